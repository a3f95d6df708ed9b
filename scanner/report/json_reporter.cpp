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
    if (!f.repository.empty()) j["repository"] = f.repository;
    j["path"] = f.path;
    j["line"] = f.line;
    j["column"] = f.column;
    j["end_line"] = f.end_line;
    j["end_column"] = f.end_column;
    j["offset"] = f.offset;
    j["secret"] = shown_secret(f.secret, how);
    j["match"] = hide_secrets_in(f.match, f, how);
    j["line_text"] = hide_secrets_in(f.line_text, f, how);
    j["entropy"] = f.entropy;
    j["fingerprint"] = f.fingerprint;
    j["binary"] = f.binary;
    if (!f.encoding.empty()) j["encoding"] = f.encoding;
    j["tags"] = f.tags;
    if (!f.required.empty()) {
        nlohmann::ordered_json req = nlohmann::ordered_json::array();
        for (const RequiredFinding& r : f.required)
            req.push_back({{"rule_id", r.rule_id}, {"secret", shown_secret(r.secret, how)}, {"line", r.line}, {"column", r.column}});
        j["required"] = std::move(req);
    }
    if (!f.remediation.empty()) j["remediation"] = f.remediation;
    if (f.validation) j["validation"] = {{"status", f.validation->status}, {"http_status", f.validation->http_status}, {"detail", f.validation->detail}};
    if (f.commit)
        j["commit"] = {{"id", f.commit->id}, {"author_name", f.commit->author_name}, {"author_email", f.commit->author_email},
                       {"date", f.commit->date}, {"summary", f.commit->summary}};
    if (!f.also_in.empty()) {
        nlohmann::ordered_json places = nlohmann::ordered_json::array();
        for (const Place& p : f.also_in) {
            nlohmann::ordered_json place;
            if (!p.repository.empty()) place["repository"] = p.repository;
            place["commit"] = p.commit;
            place["path"] = p.path;
            places.push_back(std::move(place));
        }
        j["also_in"] = std::move(places);
    }
    return j;
}

nlohmann::ordered_json config_change_to_json(const ConfigChange& c) {
    nlohmann::ordered_json j;
    j["base"] = c.base;
    j["head"] = c.head;
    j["rules_from"] = c.rules_from;
    j["files"] = changed_config_files(c);
    j["added_allowlists"] = c.added_allowlists;
    j["disabled_rules"] = c.disabled_rules;
    j["changed_rules"] = c.changed_rules;
    j["added_fingerprints"] = c.added_fingerprints;
    if (!c.head_error.empty()) j["head_error"] = c.head_error;
    j["fails_gate"] = c.fails_gate;
    return j;
}

namespace {
std::optional<nlohmann::ordered_json> change_record(const ReportOptions& options) {
    if (!options.config_change || !options.config_change->changed()) return std::nullopt;
    nlohmann::ordered_json j;
    j["config_change"] = config_change_to_json(*options.config_change);
    return j;
}
}  // namespace

void JsonReporter::write(const std::vector<Finding>& findings, std::ostream& out) const {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    if (auto record = change_record(options_)) arr.push_back(std::move(*record));
    for (const Finding& f : findings) arr.push_back(finding_to_json(f, options_));
    out << arr.dump(2, ' ', false, kReplace) << "\n";
}

void JsonlReporter::write(const std::vector<Finding>& findings, std::ostream& out) const {
    if (auto record = change_record(options_)) out << record->dump(-1, ' ', false, kReplace) << "\n";
    for (const Finding& f : findings) out << finding_to_json(f, options_).dump(-1, ' ', false, kReplace) << "\n";
}

}  // namespace keyfence::report
