#include "report/junit_reporter.hpp"

#include <fmt/format.h>

namespace keyfence::report {
namespace {

std::string xml(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += (c < 0x20 && c != '\t' && c != '\n') ? '?' : static_cast<char>(c);  // XML 1.0 forbids most controls
        }
    }
    return out;
}

}  // namespace

void JunitReporter::write(const std::vector<Finding>& findings, std::ostream& out) const {
    const std::size_t n = findings.size();
    const auto& change = options_.config_change;
    const bool changed = change && change->changed();
    // A config change is a test case of its own: failed under --strict-config, skipped (visible) otherwise.
    const std::size_t tests = (n ? n : 1) + (changed ? 1 : 0), failures = n + (changed && change->fails_gate ? 1 : 0);
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << fmt::format("<testsuites name=\"keyfence\" tests=\"{}\" failures=\"{}\">\n", tests, failures);
    out << fmt::format("  <testsuite name=\"keyfence secrets\" tests=\"{}\" failures=\"{}\">\n", tests, failures);
    if (changed) {
        const std::vector<std::string> lines = config_change_lines(*change);
        std::string body;
        for (const std::string& line : lines) body += line + "\n";
        out << "    <testcase classname=\"keyfence.config\" name=\"gate config changed by this range\">\n";
        if (change->fails_gate)
            out << fmt::format("      <failure message=\"{}\" type=\"config-change\">{}</failure>\n", xml(lines.front()), xml(body));
        else
            out << fmt::format("      <skipped message=\"{}\"/>\n", xml(lines.front()));
        out << fmt::format("      <system-out>{}</system-out>\n", xml(body));
        out << "    </testcase>\n";
    }
    if (n == 0) out << "    <testcase classname=\"keyfence\" name=\"no secrets found\"/>\n";
    for (const Finding& f : findings) {
        const std::string where = f.secret.empty() ? f.path : fmt::format("{}:{}", f.path, f.line);
        out << fmt::format("    <testcase classname=\"{}\" name=\"{} at {}\">\n", xml(f.path), xml(f.rule_id), xml(where));
        std::string body = fmt::format("{} at {}\nsecret: {}\nfingerprint: {}\n", f.description, where, shown_secret(f.secret, options_.secrets),
                                       f.fingerprint);
        if (f.validation) body += fmt::format("validation: {} ({})\n", f.validation->status, f.validation->detail);
        if (f.commit) body += fmt::format("commit: {} {} <{}> {}\n", f.commit->id, f.commit->author_name, f.commit->author_email, f.commit->date);
        if (!f.remediation.empty()) body += "fix: " + f.remediation + "\n";
        out << fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", xml(f.description), xml(f.rule_id), xml(body));
        out << "    </testcase>\n";
    }
    out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace keyfence::report
