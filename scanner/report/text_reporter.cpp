#include "report/text_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace keyfence::report {
namespace {

// Printable form of a report line: control bytes (binary content, escape sequences) become '.'.
std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) out.push_back((c < 0x20 && c != '\t') || c == 0x7f ? '.' : static_cast<char>(c));
    return out;
}

}  // namespace

void TextReporter::write(const std::vector<Finding>& findings, std::ostream& out) const {
    const bool color = options_.color;
    const char* bold = color ? "\x1b[1m" : "";
    const char* red = color ? "\x1b[31m" : "";
    const char* dim = color ? "\x1b[2m" : "";
    const char* reset = color ? "\x1b[0m" : "";
    // The gate's config changed by the range under review comes first: the reviewer must see it.
    if (options_.config_change && options_.config_change->changed()) {
        out << fmt::format("{}{}Config change{}\n", bold, red, reset);
        for (const std::string& line : config_change_lines(*options_.config_change)) out << "  " << printable(line) << "\n";
        out << "\n";
    }
    const std::string* current_path = nullptr;
    for (const Finding& f : findings) {
        if (!current_path || *current_path != f.path) {  // findings come sorted by path: one heading per file
            current_path = &f.path;
            out << fmt::format("{}{}{}\n", bold, printable(f.path), reset);
        }
        if (f.secret.empty()) {  // path-only rule: the file itself is the finding
            out << fmt::format("  {}{}{}  {}\n", red, f.rule_id, reset, f.description);
            if (!f.remediation.empty()) out << fmt::format("    fix: {}\n", f.remediation);
            out << "\n";
            continue;
        }
        // path:line:column on every finding, so terminals and editors can jump to it.
        std::string where = f.binary ? fmt::format("{} (byte offset {})", printable(f.path), f.offset)
                                     : fmt::format("{}:{}:{}", printable(f.path), f.line, f.column);
        if (!f.encoding.empty()) where += fmt::format(" ({}-encoded)", f.encoding);
        // Under --validate the status comes first: a LIVE key is the incident to handle now.
        std::string badge;
        if (f.validation)
            badge = f.validation->status == "live" ? fmt::format("{}LIVE{}  ", red, reset) : f.validation->status + "  ";
        out << fmt::format("  {}{}  {}{}{}  {}\n", badge, where, red, f.rule_id, reset, f.description);
        if (!f.repository.empty()) out << fmt::format("    repository: {}\n", printable(f.repository));
        if (f.validation) out << fmt::format("    validation: {} ({})\n", f.validation->status, printable(f.validation->detail));
        out << fmt::format("    secret: {}\n", printable(shown_secret(f.secret, options_.secrets)));
        if (!f.binary) out << fmt::format("    {}{}{}\n", dim, printable(hide_secrets_in(f.line_text, f, options_.secrets)), reset);
        for (const RequiredFinding& r : f.required)
            out << fmt::format("    with: {} {} at {}:{}\n", r.rule_id, printable(shown_secret(r.secret, options_.secrets)), r.line, r.column);
        if (f.commit)
            out << fmt::format("    commit: {} {} <{}> {}  {}\n", f.commit->id.substr(0, 12), printable(f.commit->author_name),
                               printable(f.commit->author_email), f.commit->date, printable(f.commit->summary));
        if (!f.also_in.empty()) {
            // Across repositories: name the others, the places where the same key must be cleaned too.
            std::vector<std::string> others;
            for (const Place& p : f.also_in)
                if (!p.repository.empty() && p.repository != f.repository && std::find(others.begin(), others.end(), p.repository) == others.end())
                    others.push_back(p.repository);
            std::string in_repos;
            for (const std::string& r : others) in_repos += (in_repos.empty() ? "; also in " : ", ") + printable(r);
            out << fmt::format("    also in {} other place{}{}\n", f.also_in.size(), f.also_in.size() == 1 ? "" : "s", in_repos);
        }
        if (!f.remediation.empty()) out << fmt::format("    fix: {}\n", f.remediation);
        out << fmt::format("    fingerprint: {}\n\n", f.fingerprint);
    }
    if (findings.empty()) return;
    out << fmt::format("{}What to do{}\n", bold, reset)
        << "  1. Revoke each key now, where its 'fix' line says: a key that was ever pushed is compromised,\n"
           "     and deleting it from the code does not un-leak it.\n"
           "  2. Remove it from the code; load it from an environment variable or a git-ignored .env file.\n"
           "  3. If it reached history, purge it: keyfence history --format filter-repo -o expr.txt, then\n"
           "     git filter-repo --replace-text expr.txt (see README), and audit again.\n";
}

}  // namespace keyfence::report
