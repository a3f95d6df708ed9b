#pragma once
// Baselines: the findings a team has already triaged, so a scan reports only new ones. A baseline stores
// hashes, never secrets, and no line numbers or paths, so unrelated edits, moves and renames never churn
// it; entries are sorted so it diffs cleanly in review.
#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/finding.hpp"

namespace keyfence::report {

class Baseline {
public:
    // Reads a keyfence baseline or a gitleaks JSON report (its secrets are hashed on load and dropped).
    // Throws keyfence::Error naming the file when it is unreadable or neither format.
    static Baseline load(const std::filesystem::path& file);

    bool contains(const Finding& f) const;
    std::size_t size() const { return fingerprints_.size() + secret_hashes_.size(); }

private:
    std::unordered_set<std::string> fingerprints_;   // rule id + secret
    std::unordered_set<std::string> secret_hashes_;  // secret alone (rule-agnostic: gitleaks imports, renamed rules)
};

// The baseline document for these findings (JSON, sorted, deduplicated, no secrets).
std::string baseline_text(const std::vector<Finding>& findings);

// SHA-256 of a secret as baselines store it.
std::string secret_hash(std::string_view secret);

}  // namespace keyfence::report
