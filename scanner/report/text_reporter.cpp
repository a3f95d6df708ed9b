#include "report/text_reporter.hpp"

#include <fmt/format.h>

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
    for (const Finding& f : findings) {
        if (f.secret.empty()) {  // path-only rule: the file itself is the finding
            out << fmt::format("{}{}{}  {}{}{}  {}\n\n", bold, f.path, reset, red, f.rule_id, reset, f.description);
            continue;
        }
        std::string where = f.binary ? fmt::format("{} (binary, byte offset {})", f.path, f.offset)
                                     : fmt::format("{}:{}:{}", f.path, f.line, f.column);
        if (!f.encoding.empty()) where += fmt::format(" ({}-encoded)", f.encoding);
        out << fmt::format("{}{}{}  {}{}{}  {}\n", bold, where, reset, red, f.rule_id, reset, f.description);
        out << fmt::format("    secret: {}\n", printable(shown_secret(f.secret, options_.secrets)));
        if (!f.binary) out << fmt::format("    {}{}{}\n", dim, printable(hide_in(f.line_text, f.secret, options_.secrets)), reset);
        if (f.commit)
            out << fmt::format("    commit: {} {} <{}> {}  {}\n", f.commit->id.substr(0, 12), f.commit->author_name, f.commit->author_email,
                               f.commit->date, printable(f.commit->summary));
        if (!f.also_in.empty()) out << fmt::format("    also in {} other place{}\n", f.also_in.size(), f.also_in.size() == 1 ? "" : "s");
        out << fmt::format("    fingerprint: {}\n\n", f.fingerprint);
    }
}

}  // namespace keyfence::report
