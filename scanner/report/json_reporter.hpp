#pragma once
// JSON (one array) and JSON Lines (one finding per line) reports: every field of a finding.
#include <nlohmann/json.hpp>

#include "report/reporter.hpp"

namespace keyfence::report {

// One finding as a JSON object, secrets shown as the options say.
nlohmann::ordered_json finding_to_json(const Finding& f, const ReportOptions& options);

class JsonReporter : public Reporter {
public:
    using Reporter::Reporter;
    void write(const std::vector<Finding>& findings, std::ostream& out) const override;
};

// One object per line, for huge audits read by streaming tools (jq -c, line-based log pipelines).
class JsonlReporter : public Reporter {
public:
    using Reporter::Reporter;
    void write(const std::vector<Finding>& findings, std::ostream& out) const override;
};

}  // namespace keyfence::report
