#pragma once
// The text of rules/*.toml, embedded at build time (see cmake/embed_rules.cmake).
#include <span>
#include <string_view>

namespace keyfence::rules {

struct BuiltinRuleFile {
    std::string_view name;  // e.g. "rules/openai.toml"
    std::string_view text;
};

std::span<const BuiltinRuleFile> builtin_rule_files();

}  // namespace keyfence::rules
