#pragma once
#include "report/reporter.hpp"

namespace keyfence::report {

// An expressions file for `git filter-repo --replace-text`: one `literal:SECRET==>REDACTED` line per
// distinct secret, so purging every found key from history is one command. Secrets spanning lines (PEM
// blocks) become one expression per body line, since filter-repo replaces within lines.
class FilterRepoReporter : public Reporter {
public:
    using Reporter::Reporter;
    void write(const std::vector<Finding>& findings, std::ostream& out) const override;
};

}  // namespace keyfence::report
