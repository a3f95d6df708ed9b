#pragma once
// What a scanned revision range changes in the gate's own configuration (.keyfence.toml, .keyfenceignore),
// between where the range's head branched off its base and the head. Reporters show it so a reviewer
// sees a pull request that loosens its own gate.
#include <string>
#include <vector>

namespace keyfence::report {

struct ConfigChange {
    // The head's config is compared with the fork point: the merge base of the range's base and head
    // (the base itself when the head is built on it), so a base that moved on is not the range's doing.
    std::string base;        // commit id of that fork point
    std::string head;        // commit id of the range's head (the first included tip)
    std::string rules_from;  // where this run's rules came from, for the reader ("the base commit", "--config FILE", ...)
    bool rules_file_changed = false;   // .keyfence.toml (or a file it extends) differs between base and head
    bool ignore_file_changed = false;  // .keyfenceignore differs between base and head
    // One line per allowlist present at head but not at base ("global: paths=[.*] (.keyfence.toml:4)").
    std::vector<std::string> added_allowlists;
    std::vector<std::string> disabled_rules;      // rule ids present at base, absent at head
    std::vector<std::string> changed_rules;       // rule ids whose definition head changes (a regex can be weakened)
    std::vector<std::string> added_fingerprints;  // .keyfenceignore entries present at head, not at base
    std::string head_error;  // head's .keyfence.toml does not load (the change is still reported)
    bool fails_gate = false;  // --strict-config: this change alone fails the run

    bool changed() const { return rules_file_changed || ignore_file_changed; }
};

// The change as lines for people (text and JUnit reports, the stderr notice): a headline, then one
// line per file changed, allowlist added, rule disabled or changed, fingerprint added.
std::vector<std::string> config_change_lines(const ConfigChange& change);

// Which of the two files the range changes: ".keyfence.toml", ".keyfenceignore".
std::vector<std::string> changed_config_files(const ConfigChange& change);

}  // namespace keyfence::report
