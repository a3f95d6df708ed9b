#pragma once
// A RuleSet as bytes and back. The built-in rules are parsed from rules/*.toml when keyfence is built
// and embedded in this form, so no run parses TOML for them (measured: ~3 ms of each hook run).
#include <optional>
#include <string>
#include <string_view>

#include "rules/rule_set.hpp"

namespace keyfence::rules {

std::string encode_rule_set(const RuleSet& rules);

// nullopt on anything malformed or written by another format version.
std::optional<RuleSet> decode_rule_set(std::string_view bytes);

}  // namespace keyfence::rules
