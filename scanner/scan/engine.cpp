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

void Worker::scan(const Input& in, std::vector<Finding>& out) {
    std::uint64_t budget = archive_limits_.max_total_size;
    scan_at_depth(in, out, 0, budget);
}

void Worker::scan_at_depth(const Input& in, std::vector<Finding>& out, unsigned depth, std::uint64_t& archive_budget) {
    matcher_.scan(in.content);
    engine_.confirmer().confirm(in, matcher_, out, suppressed_);
    if (!decode::looks_like_archive(in.content)) return;
    if (depth >= archive_limits_.max_depth) {
        diagnostics_.push_back({in.path, "archive nested too deep: not opened"});
        return;
    }
    std::vector<std::string> notes;
    decode::for_each_member(
        in.content, in.path, archive_limits_, archive_budget,
        [&](const std::string& name, std::string_view data) { scan_at_depth(Input{data, in.path + "!" + name, in.commit}, out, depth + 1, archive_budget); },
        notes);
    for (std::string& n : notes) diagnostics_.push_back({in.path, std::move(n)});
}

}  // namespace keyfence::scan
