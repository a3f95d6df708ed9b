#include "report/baseline.hpp"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "core/digest.hpp"
#include "core/error.hpp"
#include "core/file_read.hpp"

namespace keyfence::report {

std::string secret_hash(std::string_view secret) { return sha256_hex(secret); }

Baseline Baseline::load(const std::filesystem::path& file) {
    const std::optional<std::string> text = read_whole_file(file);
    if (!text) throw Error(fmt::format("cannot read baseline {}", file.string()));
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(*text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(fmt::format("{}: not a baseline (invalid JSON: {})", file.string(), e.what()));
    }
    Baseline b;
    if (doc.is_object() && doc.contains("keyfence_baseline") && doc.value("entries", nlohmann::json::array()).is_array()) {
        for (const auto& e : doc["entries"]) {
            if (!e.is_object()) continue;
            if (e.contains("fingerprint") && e["fingerprint"].is_string()) b.fingerprints_.insert(e["fingerprint"].get<std::string>());
            if (e.contains("secret_sha256") && e["secret_sha256"].is_string()) b.secret_hashes_.insert(e["secret_sha256"].get<std::string>());
        }
        return b;
    }
    if (doc.is_array()) {  // a gitleaks report: [{"RuleID": …, "Secret": …, "File": …}, …]
        for (const auto& e : doc)
            if (e.is_object() && e.contains("Secret") && e["Secret"].is_string()) b.secret_hashes_.insert(secret_hash(e["Secret"].get<std::string>()));
        return b;
    }
    throw Error(fmt::format("{}: not a keyfence baseline nor a gitleaks JSON report", file.string()));
}

bool Baseline::contains(const Finding& f) const {
    return fingerprints_.count(f.fingerprint) || (!f.secret.empty() && secret_hashes_.count(secret_hash(f.secret)));
}

std::string baseline_text(const std::vector<Finding>& findings) {
    std::map<std::string, nlohmann::ordered_json> entries;  // by fingerprint: sorted and deduplicated
    for (const Finding& f : findings) {
        nlohmann::ordered_json e;
        e["fingerprint"] = f.fingerprint;
        e["rule_id"] = f.rule_id;
        if (!f.secret.empty()) e["secret_sha256"] = secret_hash(f.secret);
        entries.emplace(f.fingerprint, std::move(e));
    }
    nlohmann::ordered_json doc;
    doc["keyfence_baseline"] = 1;
    doc["entries"] = nlohmann::ordered_json::array();
    for (auto& [fp, e] : entries) doc["entries"].push_back(std::move(e));
    return doc.dump(2) + "\n";
}

}  // namespace keyfence::report
