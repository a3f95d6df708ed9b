#pragma once
// The built-in rules, rules/*.toml, parsed when keyfence is built (by keyfence_pack_rules, see
// scanner/rules/pack_rules_main.cpp) and embedded in the binary as an encoded RuleSet (rule_codec.hpp).
#include <string_view>

namespace keyfence::rules {

std::string_view builtin_rule_pack();

}  // namespace keyfence::rules
