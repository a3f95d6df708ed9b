#include "report/config_change.hpp"

#include <fmt/format.h>

namespace keyfence::report {

std::vector<std::string> changed_config_files(const ConfigChange& change) {
    std::vector<std::string> out;
    if (change.rules_file_changed) out.push_back(".keyfence.toml");
    if (change.ignore_file_changed) out.push_back(".keyfenceignore");
    return out;
}

std::vector<std::string> config_change_lines(const ConfigChange& c) {
    std::string files;
    for (const std::string& f : changed_config_files(c)) files += (files.empty() ? "" : " and ") + f;
    std::vector<std::string> out;
    out.push_back(fmt::format("this range changes the gate's own config ({}) from {} (where it branched off) to {}{}", files, c.base.substr(0, 12),
                              c.head.substr(0, 12), c.fails_gate ? ": failing the gate (--strict-config)" : ""));
    if (!c.rules_from.empty()) out.push_back("rules used for this scan: " + c.rules_from);
    for (const std::string& a : c.added_allowlists) out.push_back("adds allowlist: " + a);
    for (const std::string& r : c.disabled_rules) out.push_back("disables rule: " + r);
    for (const std::string& r : c.changed_rules) out.push_back("changes rule: " + r);
    for (const std::string& f : c.added_fingerprints) out.push_back(".keyfenceignore adds: " + f);
    if (!c.head_error.empty()) out.push_back("head's .keyfence.toml does not load: " + c.head_error);
    if (c.rules_file_changed && c.added_allowlists.empty() && c.disabled_rules.empty() && c.changed_rules.empty() && c.head_error.empty())
        out.push_back(".keyfence.toml: no allowlist added, no rule disabled or changed");
    return out;
}

}  // namespace keyfence::report
