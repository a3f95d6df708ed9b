#pragma once
// The templates of a rule's [rules.validate]: {{secret}} and {{NAME}}, NAME a named group (?P<NAME>...)
// of the rule's regex (an access key id beside its secret, an account SID beside its token).
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace keyfence::rules {

// The names of a regex's named groups, (?P<NAME>...) and (?<NAME>...), in order.
std::vector<std::string> named_groups(std::string_view regex);

// The NAMEs of every {{NAME}} in text, in order.
std::vector<std::string> template_names(std::string_view text);

// text with each {{NAME}} replaced by values[NAME] (passed through `encode` first); a NAME with no
// value is left as it is.
std::string expand(std::string_view text, const std::map<std::string, std::string>& values,
                   std::string (*encode)(std::string_view) = nullptr);

}  // namespace keyfence::rules
