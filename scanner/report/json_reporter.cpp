#include "report/json_reporter.hpp"

namespace keyfence::report {
namespace {
// Invalid UTF-8 (binary content) is replaced rather than failing the whole report.
constexpr auto kReplace = nlohmann::ordered_json::error_handler_t::replace;
}  // namespace

nlohmann::ordered_json finding_to_json(const Finding& f, const ReportOptions& options) {
    const SecretStyle& how = options.secrets;
    nlohmann::ordered_json j;
    j["rule_id"] = f.rule_id;
    j["description"] = f.description;
    j["path"] = f.path;
    j["line"] = f.line;
    j["column"] = f.column;
    j["end_line"] = f.end_line;
    j["end_column"] = f.end_column;
    j["offset"] = f.offset;
    j["secret"] = shown_secret(f.secret, how);
    j["match"] = hide_in(f.match, f.secret, how);
    j["line_text"] = hide_in(f.line_text, f.secret, how);
    j["entropy"] = f.entropy;
    j["fingerprint"] = f.fingerprint;
    j["binary"] = f.binary;
    if (!f.encoding.empty()) j["encoding"] = f.encoding;
    j["tags"] = f.tags;
    if (!f.remediation.empty()) j["remediation"] = f.remediation;
    if (f.commit)
        j["commit"] = {{"id", f.commit->id}, {"author_name", f.commit->author_name}, {"author_email", f.commit->author_email},
                       {"date", f.commit->date}, {"summary", f.commit->summary}};
    if (!f.also_in.empty()) {
        nlohmann::ordered_json places = nlohmann::ordered_json::array();
        for (const Place& p : f.also_in) places.push_back({{"commit", p.commit}, {"path", p.path}});
        j["also_in"] = std::move(places);
    }
    return j;
}

void JsonReporter::write(const std::vector<Finding>& findings, std::ostream& out) const {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const Finding& f : findings) arr.push_back(finding_to_json(f, options_));
    out << arr.dump(2, ' ', false, kReplace) << "\n";
}

void JsonlReporter::write(const std::vector<Finding>& findings, std::ostream& out) const {
    for (const Finding& f : findings) out << finding_to_json(f, options_).dump(-1, ' ', false, kReplace) << "\n";
}

}  // namespace keyfence::report
