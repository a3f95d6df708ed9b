#include "report/csv_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace keyfence::report {
namespace {

std::string field(std::string_view v) {
    if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
    std::string out = "\"";
    for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

void CsvReporter::write(const std::vector<Finding>& findings, std::ostream& out) const {
    out << "rule_id,description,path,line,column,end_line,end_column,offset,secret,entropy,fingerprint,commit,author_name,"
           "author_email,date,other_places"
        << (options_.validated ? ",validation,http_status,validation_detail" : "");
    // An audit of many repositories says which one each row is in.
    const bool repositories = std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return !f.repository.empty(); });
    out << (repositories ? ",repository" : "") << "\r\n";
    // A range that changes the gate's config: one row of its own first, rule_id keyfence-config-change.
    if (const auto& c = options_.config_change; c && c->changed()) {
        std::string what, files;
        for (const std::string& line : config_change_lines(*c)) what += (what.empty() ? "" : "; ") + line;
        for (const std::string& f : changed_config_files(*c)) files += (files.empty() ? "" : " ") + f;
        out << fmt::format("keyfence-config-change,{},{},0,0,0,0,0,,0.000,,{},,,,0\r\n", field(what), field(files), c->head);
    }
    for (const Finding& f : findings) {
        const CommitInfo none;
        const CommitInfo& c = f.commit ? *f.commit : none;
        out << fmt::format("{},{},{},{},{},{},{},{},{},{:.3f},{},{},{},{},{},{}", field(f.rule_id), field(f.description), field(f.path), f.line,
                           f.column, f.end_line, f.end_column, f.offset, field(shown_secret(f.secret, options_.secrets)), f.entropy,
                           f.fingerprint, c.id, field(c.author_name), field(c.author_email), c.date, f.also_in.size());
        if (options_.validated) {
            const Validation none{"unknown", 0, ""};
            const Validation& v = f.validation ? *f.validation : none;
            out << fmt::format(",{},{},{}", v.status, v.http_status, field(v.detail));
        }
        if (repositories) out << "," << field(f.repository);
        out << "\r\n";
    }
}

}  // namespace keyfence::report
