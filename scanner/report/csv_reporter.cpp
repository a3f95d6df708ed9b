#include "report/csv_reporter.hpp"

#include <fmt/format.h>

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
           "author_email,date,other_places\r\n";
    for (const Finding& f : findings) {
        const CommitInfo none;
        const CommitInfo& c = f.commit ? *f.commit : none;
        out << fmt::format("{},{},{},{},{},{},{},{},{},{:.3f},{},{},{},{},{},{}\r\n", field(f.rule_id), field(f.description), field(f.path), f.line,
                           f.column, f.end_line, f.end_column, f.offset, field(shown_secret(f.secret, options_.secrets)), f.entropy,
                           f.fingerprint, c.id, field(c.author_name), field(c.author_email), c.date, f.also_in.size());
    }
}

}  // namespace keyfence::report
