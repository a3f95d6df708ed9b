#pragma once
// What a scanned revision range changes in the gate's own configuration (.keyfence.toml, .keyfenceignore),
// between the trusted base the rules were read from and the range's head. Reporters show it so a reviewer
// sees a pull request that loosens its own gate.
#include <string>
#include <vector>

namespace keyfence::report {

struct ConfigChange {
    std::string base;  // commit id the rules were read from (the trusted side)
    std::string head;  // commit id of the range's head (the first included tip)
    bool rules_file_changed = false;   // .keyfence.toml differs between base and head
    bool ignore_file_changed = false;  // .keyfenceignore differs between base and head
    // One line per allowlist present at head but not at base ("global: paths=.*", "rule aws-key: ...").
    std::vector<std::string> added_allowlists;
    std::vector<std::string> disabled_rules;       // rule ids present at base, absent at head
    std::vector<std::string> added_fingerprints;   // .keyfenceignore entries present at head, not at base
    std::string head_error;  // head's .keyfence.toml could not be parsed (the change is still reported)

    bool changed() const { return rules_file_changed || ignore_file_changed; }
};

}  // namespace keyfence::report
