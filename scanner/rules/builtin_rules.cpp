#include "rules/builtin_rules.hpp"

#include "core/error.hpp"
#include "rules/rule_codec.hpp"
#include "rules/rule_set.hpp"

namespace keyfence::rules {

RuleSet load_builtin_rules() {
    std::optional<RuleSet> rules = decode_rule_set(builtin_rule_pack());
    if (!rules) throw Error("the built-in rule pack is damaged: rebuild keyfence");
    return std::move(*rules);
}

}  // namespace keyfence::rules
