#pragma once
#include "report/reporter.hpp"

namespace keyfence::report {

// A JSON array of findings with every field; secrets whole unless --redact.
class JsonReporter : public Reporter {
public:
    explicit JsonReporter(ReportOptions options) : options_(options) {}
    void write(const std::vector<Finding>& findings, std::ostream& out) const override;

private:
    ReportOptions options_;
};

}  // namespace keyfence::report
