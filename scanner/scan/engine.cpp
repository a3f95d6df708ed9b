#include "scan/engine.hpp"

#include "match/database_cache.hpp"

namespace keyfence::scan {

Engine::Engine(rules::RuleSet rules, const std::optional<std::filesystem::path>& cache_dir)
    : rules_(std::make_unique<rules::RuleSet>(std::move(rules))),
      compiled_(std::make_unique<match::CompiledRules>(match::load_or_build(*rules_, cache_dir))),
      confirmer_(std::make_unique<confirm::Confirmer>(*rules_, *compiled_)) {}

}  // namespace keyfence::scan
