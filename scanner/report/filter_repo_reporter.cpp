#include "report/filter_repo_reporter.hpp"

#include <set>

namespace keyfence::report {

void FilterRepoReporter::write(const std::vector<Finding>& findings, std::ostream& out) const {
    // Lines shorter than this inside a multi-line secret ("-----END ... KEY-----" aside) are too common to
    // replace across a whole history.
    constexpr std::size_t kMinLiteral = 16;
    std::set<std::string> literals;
    for (const Finding& f : findings) {
        if (f.secret.empty()) continue;
        if (f.secret.find('\n') == std::string::npos) {
            literals.insert(f.secret);
            continue;
        }
        std::size_t start = 0;
        while (start <= f.secret.size()) {
            std::size_t nl = f.secret.find('\n', start);
            if (nl == std::string::npos) nl = f.secret.size();
            std::string line = f.secret.substr(start, nl - start);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.size() >= kMinLiteral && line.rfind("-----", 0) != 0) literals.insert(line);
            start = nl + 1;
        }
    }
    out << "# git filter-repo --replace-text FILE: every secret keyfence found becomes REDACTED\n";
    for (const std::string& s : literals)
        if (s.find("==>") == std::string::npos) out << "literal:" << s << "==>REDACTED\n";
}

}  // namespace keyfence::report
