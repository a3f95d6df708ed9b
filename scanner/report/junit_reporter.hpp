#pragma once
#include "report/reporter.hpp"

namespace keyfence::report {

// JUnit XML: one failing test case per finding, or one passing case when nothing was found, for CI
// systems that show test reports (GitLab, Jenkins, Azure Pipelines).
class JunitReporter : public Reporter {
public:
    using Reporter::Reporter;
    void write(const std::vector<Finding>& findings, std::ostream& out) const override;
};

}  // namespace keyfence::report
