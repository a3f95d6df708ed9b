#include "report/sarif_reporter.hpp"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "report/json_reporter.hpp"

namespace keyfence::report {
namespace {

using Json = nlohmann::ordered_json;

// "openai-project-key" -> "OpenaiProjectKey": SARIF's rule name is an identifier-like label.
std::string pascal_case(std::string_view id) {
    std::string out;
    bool up = true;
    for (char c : id) {
        if (c == '-' || c == '_' || c == '.') {
            up = true;
            continue;
        }
        out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        up = false;
    }
    return out;
}

// A relative URI: SARIF consumers resolve it against %SRCROOT% (the repository root). Archive members
// ("a.zip!x/y") point at the archive; stdin at a placeholder name.
std::string uri_of(std::string_view path) {
    std::string p(path.substr(0, path.find('!')));
    while (p.rfind("./", 0) == 0) p.erase(0, 2);
    return p;
}

}  // namespace

void SarifReporter::write(const std::vector<Finding>& findings, std::ostream& out) const {
    std::map<std::string, std::size_t> rule_index;
    Json rules = Json::array();
    for (const Finding& f : findings) {
        if (rule_index.count(f.rule_id)) continue;
        rule_index[f.rule_id] = rules.size();
        Json r;
        r["id"] = f.rule_id;
        r["name"] = pascal_case(f.rule_id);
        r["shortDescription"] = {{"text", f.description}};
        r["fullDescription"] = {{"text", f.description + ": a credential committed to the repository."}};
        const std::string help = f.remediation.empty() ? "Revoke the credential, remove it from the code, and purge it from history."
                                                       : "Revoke the credential: " + f.remediation +
                                                             " Then remove it from the code and purge it from history.";
        r["help"] = {{"text", help}, {"markdown", help}};
        r["defaultConfiguration"] = {{"level", "error"}};
        r["properties"] = {{"tags", f.tags}, {"security-severity", "9.0"}, {"precision", "high"}};
        rules.push_back(std::move(r));
    }

    Json results = Json::array();
    for (const Finding& f : findings) {
        Json res;
        res["ruleId"] = f.rule_id;
        res["ruleIndex"] = rule_index[f.rule_id];
        // Validated: only a live key is an error; a rejected or unconfirmed one is a warning.
        res["level"] = !f.validation || f.validation->status == "live" ? "error" : "warning";
        const std::string where = f.path.find('!') != std::string::npos ? " (inside " + f.path + ")" : "";
        res["message"] = {{"text", f.secret.empty() ? f.description + where
                                                    : fmt::format("{}: {}{}", f.description, shown_secret(f.secret, options_.secrets), where)}};
        Json region;
        if (f.secret.empty() || f.binary) {
            if (!f.secret.empty()) region = {{"byteOffset", f.offset}, {"byteLength", f.secret.size()}};
        } else {
            region = {{"startLine", f.line}, {"startColumn", f.column}, {"endLine", f.end_line}, {"endColumn", f.end_column + 1}};
            region["snippet"] = {{"text", hide_secrets_in(f.line_text, f, options_.secrets)}};
        }
        Json physical = {{"artifactLocation", {{"uri", uri_of(f.path)}, {"uriBaseId", "%SRCROOT%"}}}};
        if (!region.empty()) physical["region"] = std::move(region);
        res["locations"] = Json::array({{{"physicalLocation", std::move(physical)}}});
        res["partialFingerprints"] = {{"keyfence/v1", f.fingerprint}};
        Json props = {{"fingerprint", f.fingerprint}};
        if (!f.repository.empty()) props["repository"] = f.repository;
        if (f.commit) {
            props["commit"] = f.commit->id;
            props["author"] = f.commit->author_name;
            props["authorEmail"] = f.commit->author_email;
            props["date"] = f.commit->date;
            props["commitSummary"] = f.commit->summary;
        }
        if (!f.also_in.empty()) props["otherPlaces"] = f.also_in.size();
        if (!f.encoding.empty()) props["encoding"] = f.encoding;
        if (f.validation)
            props["validation"] = {{"status", f.validation->status}, {"httpStatus", f.validation->http_status}, {"detail", f.validation->detail}};
        if (!f.required.empty()) {
            Json req = Json::array();
            for (const RequiredFinding& r : f.required) req.push_back(fmt::format("{} at {}:{}", r.rule_id, r.line, r.column));
            props["required"] = std::move(req);
        }
        res["properties"] = std::move(props);
        results.push_back(std::move(res));
    }

    Json driver = {{"name", "keyfence"},
                   {"informationUri", "https://github.com/keyfence/keyfence"},
                   {"semanticVersion", options_.tool_version.empty() ? "0.0.0" : options_.tool_version},
                   {"rules", std::move(rules)}};
    Json run = {{"tool", {{"driver", std::move(driver)}}},
                {"columnKind", "unicodeCodePoints"},
                {"originalUriBaseIds", {{"%SRCROOT%", {{"description", {{"text", "The repository root"}}}}}}},
                {"results", std::move(results)}};
    // A range that changes the gate's config: a tool configuration notification on the run's invocation
    // (a warning, an error under --strict-config) and the structured change in the run's properties.
    if (const auto& c = options_.config_change; c && c->changed()) {
        std::string text;
        for (const std::string& line : config_change_lines(*c)) text += (text.empty() ? "" : "\n") + line;
        Json locations = Json::array();
        for (const std::string& f : changed_config_files(*c))
            locations.push_back({{"physicalLocation", {{"artifactLocation", {{"uri", f}, {"uriBaseId", "%SRCROOT%"}}}}}});
        Json note = {{"level", c->fails_gate ? "error" : "warning"},
                     {"descriptor", {{"id", "keyfence/config-change"}}},
                     {"message", {{"text", text}}},
                     {"locations", std::move(locations)}};
        run["invocations"] = Json::array({{{"executionSuccessful", true}, {"toolConfigurationNotifications", Json::array({std::move(note)})}}});
        run["properties"] = {{"keyfenceConfigChange", config_change_to_json(*c)}};
    }
    Json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", Json::array({std::move(run)})}};
    out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

}  // namespace keyfence::report
