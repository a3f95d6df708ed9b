#pragma once
// Engine: a rule set compiled for scanning (Hyperscan database + RE2 confirmers). Immutable and shared by
// every worker thread; each thread scans through its own Worker.
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "confirm/composite_rules.hpp"
#include "confirm/confirmer.hpp"
#include "core/finding.hpp"
#include "decode/archive.hpp"
#include "decode/encodings.hpp"
#include "core/input.hpp"
#include "match/compiled_rules.hpp"
#include "match/matcher.hpp"
#include "rules/rule_set.hpp"

namespace keyfence::scan {

class Engine {
public:
    // Compiles the rules (or loads them from the database cache in cache_dir); throws keyfence::Error
    // naming the rule on a bad regex.
    explicit Engine(rules::RuleSet rules, const std::optional<std::filesystem::path>& cache_dir = std::nullopt);

    const rules::RuleSet& rules() const { return *rules_; }
    const match::CompiledRules& compiled() const { return *compiled_; }
    const confirm::Confirmer& confirmer() const { return *confirmer_; }
    const confirm::CompositeRules& composites() const { return *composites_; }
    // Report every rule's finding even where two rules confirm the same key, and skipReport rules' too
    // (`rules check` tests each rule's examples on their own); call before scanning.
    void keep_duplicate_findings() {
        confirmer_->keep_duplicate_findings();
        keep_everything_ = true;
    }
    bool keeps_everything() const { return keep_everything_; }
    // The engine for binary content (see match/binary_rules.hpp): built on first use, the same engine
    // when no rule changes there. Thread-safe.
    const Engine& for_binary() const;

private:
    std::unique_ptr<rules::RuleSet> rules_;  // heap-held so the references below stay valid when Engine moves
    std::unique_ptr<match::CompiledRules> compiled_;
    std::unique_ptr<confirm::Confirmer> confirmer_;
    std::unique_ptr<confirm::CompositeRules> composites_;
    bool keep_everything_ = false;
    std::optional<std::filesystem::path> cache_dir_;
    bool is_binary_variant_ = false;
    mutable std::once_flag binary_once_;
    mutable std::unique_ptr<Engine> binary_;
};

// One thread's scanning state: Hyperscan scratch, counters, notes. Not shared.
class Worker {
public:
    // max_decode_depth: how many encodings deep decoded text is scanned again (0: not decoded at all).
    explicit Worker(const Engine& engine, unsigned max_decode_depth = decode::kDefaultDecodeDepth)
        : engine_(engine), matcher_(engine.compiled()), max_decode_depth_(max_decode_depth) {}
    ~Worker();

    // One Hyperscan pass over in.content, then confirmation of the candidates; then the same for what
    // its encoded runs decode to, and for an archive, for each member ("outer!member"). Appends findings.
    void scan(const Input& in, std::vector<Finding>& out);

    const confirm::SuppressionCounts& suppressed() const { return suppressed_; }
    // Notes about parts of inputs that could not be scanned (damaged or oversized archive members).
    std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

private:
    // decoded: in is what an encoded run decodes to.
    void scan_at_depth(const Input& in, std::vector<Finding>& out, unsigned depth, std::uint64_t& archive_budget, unsigned decodes_left,
                       bool decoded);
    // own_first: where the findings of `in` itself begin in `out`.
    void scan_encoded_runs(const Input& in, const std::vector<decode::EncodedRun>& runs, std::vector<Finding>& out, std::size_t own_first,
                           unsigned depth, std::uint64_t& archive_budget, unsigned decodes_left);

    const Engine& engine_;
    match::Matcher matcher_;
    std::unique_ptr<match::Matcher> binary_matcher_;  // for engine_.for_binary(), made on the first binary input
    unsigned max_decode_depth_;
    confirm::SuppressionCounts suppressed_;
    std::vector<Diagnostic> diagnostics_;
    decode::ArchiveLimits archive_limits_;
};

}  // namespace keyfence::scan
