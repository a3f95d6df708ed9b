#include "scan/engine.hpp"

namespace keyfence::scan {

Engine::Engine(rules::RuleSet rules)
    : rules_(std::make_unique<rules::RuleSet>(std::move(rules))),
      compiled_(std::make_unique<match::CompiledRules>(match::CompiledRules::build(*rules_))),
      confirmer_(std::make_unique<confirm::Confirmer>(*rules_, *compiled_)) {}

}  // namespace keyfence::scan
