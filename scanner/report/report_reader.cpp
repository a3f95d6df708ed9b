#include "report/report_reader.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <iterator>
#include <sstream>

#include "core/error.hpp"
#include "core/file_read.hpp"

namespace keyfence::report {
namespace {

using Json = nlohmann::json;

std::string str(const Json& j, const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; }

std::uint64_t num(const Json& j, const char* key) {
    return j.contains(key) && j[key].is_number_unsigned() ? j[key].get<std::uint64_t>() : 0;
}

Finding finding_of(const Json& j) {
    if (!j.is_object() || !j.contains("rule_id") || !j["rule_id"].is_string() || !j.contains("fingerprint"))
        throw Error("not a keyfence finding (no rule_id or fingerprint)");
    Finding f;
    f.rule_id = str(j, "rule_id");
    f.description = str(j, "description");
    f.repository = str(j, "repository");
    f.path = str(j, "path");
    f.line = num(j, "line");
    f.column = num(j, "column");
    f.end_line = num(j, "end_line");
    f.end_column = num(j, "end_column");
    f.offset = num(j, "offset");
    f.secret = str(j, "secret");
    f.match = str(j, "match");
    f.line_text = str(j, "line_text");
    f.entropy = j.contains("entropy") && j["entropy"].is_number() ? j["entropy"].get<double>() : 0.0;
    f.fingerprint = str(j, "fingerprint");
    f.binary = j.contains("binary") && j["binary"].is_boolean() && j["binary"].get<bool>();
    f.encoding = str(j, "encoding");
    if (j.contains("tags") && j["tags"].is_array())
        for (const Json& t : j["tags"])
            if (t.is_string()) f.tags.push_back(t.get<std::string>());
    if (j.contains("required") && j["required"].is_array())
        for (const Json& r : j["required"]) f.required.push_back({str(r, "rule_id"), str(r, "secret"), num(r, "line"), num(r, "column")});
    f.remediation = str(j, "remediation");
    if (j.contains("validation") && j["validation"].is_object()) {
        const Json& v = j["validation"];
        f.validation = Validation{str(v, "status"), v.contains("http_status") && v["http_status"].is_number_integer() ? v["http_status"].get<long>() : 0,
                                  str(v, "detail")};
    }
    if (j.contains("commit") && j["commit"].is_object()) {
        const Json& c = j["commit"];
        f.commit = CommitInfo{str(c, "id"), str(c, "author_name"), str(c, "author_email"), str(c, "date"), str(c, "summary")};
    }
    if (j.contains("also_in") && j["also_in"].is_array())
        for (const Json& p : j["also_in"]) f.also_in.push_back({str(p, "commit"), str(p, "path"), str(p, "repository")});
    return f;
}

}  // namespace

std::vector<Finding> read_report(const std::filesystem::path& file) {
    std::string text;
    if (file == "-") text.assign(std::istreambuf_iterator<char>(std::cin), {});
    else if (auto bytes = read_whole_file(file)) text = std::move(*bytes);
    else throw Error(fmt::format("{}: cannot read the report", file.string()));
    std::vector<Finding> out;
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    try {
        if (first != std::string::npos && text[first] == '[') {
            const Json arr = Json::parse(text);
            for (const Json& j : arr)
                if (!j.contains("config_change")) out.push_back(finding_of(j));
            return out;
        }
    } catch (const Json::exception& e) {
        throw Error(fmt::format("{}: not a keyfence JSON report: {}", file.string(), e.what()));
    } catch (const Error& e) {
        throw Error(fmt::format("{}: {}", file.string(), e.what()));
    }
    std::istringstream lines(text);
    std::size_t n = 0;
    for (std::string line; std::getline(lines, line);) {
        ++n;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        try {
            const Json j = Json::parse(line);
            if (!j.contains("config_change")) out.push_back(finding_of(j));
        } catch (const Json::exception& e) {
            throw Error(fmt::format("{}:{}: not a keyfence JSONL record: {}", file.string(), n, e.what()));
        } catch (const Error& e) {
            throw Error(fmt::format("{}:{}: {}", file.string(), n, e.what()));
        }
    }
    return out;
}

}  // namespace keyfence::report
