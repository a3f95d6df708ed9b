#pragma once
// JSON (one array) and JSON Lines (one finding per line) reports: every field of a finding.
#include <nlohmann/json.hpp>

#include "report/reporter.hpp"

namespace keyfence::report {

// One finding as a JSON object, secrets shown as the options say.
nlohmann::ordered_json finding_to_json(const Finding& f, const ReportOptions& options);

// The range's change to the gate's config, as the "config_change" record of json and jsonl reports.
nlohmann::ordered_json config_change_to_json(const ConfigChange& change);

// JSON: the findings array, unchanged in shape. When the range changes the gate's config, its first
// element is {"config_change": {...}} (an object without rule_id), so old readers still parse the array.
class JsonReporter : public Reporter {
public:
    using Reporter::Reporter;
    void write(const std::vector<Finding>& findings, std::ostream& out) const override;
};

// One object per line, for huge audits read by streaming tools (jq -c, line-based log pipelines); a
// config change is the first line, {"config_change": {...}}, as in json.
class JsonlReporter : public Reporter {
public:
    using Reporter::Reporter;
    void write(const std::vector<Finding>& findings, std::ostream& out) const override;
};

}  // namespace keyfence::report
