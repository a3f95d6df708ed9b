#pragma once
#include "report/reporter.hpp"

namespace keyfence::report {

// SARIF 2.1.0 as GitHub code scanning accepts it: tool.driver.rules (id, name, descriptions, help), and
// per finding ruleId, level, message, a physical location relative to the repository root,
// partialFingerprints, and the commit in properties for history findings. Secrets are masked unless
// --show-secrets: these reports are uploaded to web UIs.
class SarifReporter : public Reporter {
public:
    using Reporter::Reporter;
    void write(const std::vector<Finding>& findings, std::ostream& out) const override;
};

}  // namespace keyfence::report
