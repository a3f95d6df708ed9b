#include "scan/engine.hpp"

#include "match/database_cache.hpp"

namespace keyfence::scan {

Engine::Engine(rules::RuleSet rules, const std::optional<std::filesystem::path>& cache_dir)
    : rules_(std::make_unique<rules::RuleSet>(std::move(rules))) {
    bool from_cache = false;
    compiled_ = std::make_unique<match::CompiledRules>(match::load_or_build(*rules_, cache_dir, &from_cache));
    confirmer_ = std::make_unique<confirm::Confirmer>(*rules_, *compiled_);
    // A cached database exists only for rules whose regexes compiled before; new rules are checked now.
    if (!from_cache) confirmer_->prepare_all();
}

}  // namespace keyfence::scan
