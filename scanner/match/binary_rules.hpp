#pragma once
// Rules as they apply to binary content. A .pyc, a SQLite page, a pickle or a protobuf packs strings end
// to end: a key follows a length byte that is often a letter or a digit (a 108-character Anthropic key
// after 'l'), or a field name with nothing between (`…api_keygsk_…`), and the next field follows it the
// same way. There a word boundary misses real keys. A rule written as keyfence's catalog writes
// prefixed keys, `\b(PREFIX…)` with an end boundary `(?:[^A-Za-z0-9_-]|$)` or `\b` after the group (or
// none), where PREFIX is a literal of 4 characters or more, is used there without either boundary: the
// prefix marks the start, and the key's own character classes and lengths its end. A key of variable
// length glued to letters runs on into them (up to its longest length): reported, with extra characters,
// rather than missed. Other rules are unchanged.
#include <optional>
#include <string>

#include "rules/rule_set.hpp"

namespace keyfence::match {

// The regex to use on binary content: `regex` itself when it does not qualify.
std::string binary_regex(const std::string& regex);

// The rule set with binary_regex applied to every rule; nullopt when no rule changes.
std::optional<rules::RuleSet> binary_variant(const rules::RuleSet& rules);

}  // namespace keyfence::match
