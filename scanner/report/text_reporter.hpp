#pragma once
#include "report/reporter.hpp"

namespace keyfence::report {

// One block per finding: where, which rule, the line with the secret masked, the fingerprint.
class TextReporter : public Reporter {
public:
    using Reporter::Reporter;
    void write(const std::vector<Finding>& findings, std::ostream& out) const override;
};

}  // namespace keyfence::report
