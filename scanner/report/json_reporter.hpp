#pragma once
// JSON (one array) and JSON Lines (one finding per line) reports: every field of a finding.
#include <nlohmann/json.hpp>

#include "report/reporter.hpp"

namespace keyfence::report {

// One finding as a JSON object, secrets shown as the options say.
nlohmann::ordered_json finding_to_json(const Finding& f, const ReportOptions& options);

class JsonReporter : public Reporter {
public:
    explicit JsonReporter(ReportOptions options) : options_(std::move(options)) {}
    void write(const std::vector<Finding>& findings, std::ostream& out) const override;

private:
    ReportOptions options_;
};

// One object per line, for huge audits read by streaming tools (jq -c, line-based log pipelines).
class JsonlReporter : public Reporter {
public:
    explicit JsonlReporter(ReportOptions options) : options_(std::move(options)) {}
    void write(const std::vector<Finding>& findings, std::ostream& out) const override;

private:
    ReportOptions options_;
};

}  // namespace keyfence::report
