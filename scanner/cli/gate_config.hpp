#pragma once
// The range gate's own config: for history A..B, .keyfence.toml (with the files it extends) and
// .keyfenceignore as committed at the base A, read from the object database — the head B is what is
// under review, and a pull request must not be able to switch its own gate off — and what the range
// changes in them, from where its head branched off to the head.
#include <git2.h>

#include <optional>
#include <string>
#include <vector>

#include "report/config_change.hpp"
#include "report/ignore_list.hpp"
#include "rules/rule_set.hpp"

namespace keyfence::cli {

inline constexpr const char* kRuleFile = ".keyfence.toml";
inline constexpr const char* kIgnoreFile = ".keyfenceignore";

// The trusted base and the head under review of a revision range.
struct RangeEnds {
    git_oid base;  // "A" of A..B; for several ^X, the first one
    git_oid head;  // "B" of A..B; the first included tip
};

// The range's ends, read as HistorySource reads revisions (source::parse_revisions); nullopt when
// nothing is excluded (a full audit).
std::optional<RangeEnds> range_ends(git_repository* repo, const std::vector<std::string>& revisions);

// The config at both ends of the range, the rules to scan with and what the range changes.
struct GateConfig {
    std::string base_id;  // the range's base, whose config is trusted
    rules::RuleSet base_rules;
    report::IgnoreList base_ignore;
    report::ConfigChange change;
};

// Reads the trusted config (an error there fails the run) and what the head changes in it.
GateConfig gate_config(git_repository* repo, const RangeEnds& range);

// "a, b": the config files the change touches.
std::string join_files(const report::ConfigChange& change);

}  // namespace keyfence::cli
