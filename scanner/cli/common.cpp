#include "cli/common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <iostream>

#include "core/error.hpp"
#include "core/stop.hpp"

namespace keyfence::cli {
namespace fs = std::filesystem;

std::optional<fs::path> find_repo_root(const fs::path& start) {
    std::error_code ec;
    fs::path dir = fs::absolute(start, ec);
    if (ec) return std::nullopt;
    if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
    for (; !dir.empty(); dir = dir.parent_path()) {
        if (fs::exists(dir / ".git", ec)) return dir;
        if (dir == dir.parent_path()) break;
    }
    return std::nullopt;
}

rules::RuleSet load_rules(const CommonOptions& common, const std::optional<fs::path>& repo_root) {
    std::optional<fs::path> config;
    if (common.config) config = fs::path(*common.config);
    rules::RuleSet rs = rules::resolve_rules(config, repo_root);
    for (const std::string& w : rs.warnings) std::cerr << "warning: " << w << "\n";
    return rs;
}

std::uint64_t parse_size(const std::string& text) {
    std::size_t used = 0;
    unsigned long long n = 0;
    try {
        n = std::stoull(text, &used);
    } catch (const std::exception&) {
        throw Error(fmt::format("invalid size '{}' (try 100MB, 512K or 4096)", text));
    }
    std::string unit = text.substr(used);
    for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (unit == "" || unit == "B") return n;
    if (unit == "K" || unit == "KB" || unit == "KIB") return n << 10;
    if (unit == "M" || unit == "MB" || unit == "MIB") return n << 20;
    if (unit == "G" || unit == "GB" || unit == "GIB") return n << 30;
    throw Error(fmt::format("invalid size '{}' (try 100MB, 512K or 4096)", text));
}

int parse_redact(const std::string& arg) {
    if (arg.empty()) return -1;
    if (arg == "all") return 0;
    std::size_t used = 0;
    int n = -1;
    try {
        n = std::stoi(arg, &used);
    } catch (const std::exception&) {
    }
    if (used != arg.size() || n < 0 || n > 100) throw Error(fmt::format("--redact={}: expected a percentage from 0 to 100", arg));
    return n;
}

void print_summary(const scan::ScanResult& r) {
    for (const Diagnostic& d : r.diagnostics) std::cerr << "note: " << d.path << ": " << d.message << "\n";
    if (r.interrupted) std::cerr << (stopped_by_timeout() ? "error: " : "warning: ") << stop_reason() << ": the report is partial\n";
    const double mb = static_cast<double>(r.stats.bytes) / 1e6;
    const double rate = r.stats.seconds > 0 ? mb / r.stats.seconds : 0.0;
    std::string line = fmt::format("keyfence: {} input{}, {:.1f} MB in {:.3f} s ({:.0f} MB/s): {} finding{}", r.stats.inputs,
                                   r.stats.inputs == 1 ? "" : "s", mb, r.stats.seconds, rate, r.findings.size(),
                                   r.findings.size() == 1 ? "" : "s");
    if (!r.findings.empty()) {  // by rule, most frequent first
        std::map<std::string, std::size_t> by_rule;
        for (const Finding& f : r.findings) ++by_rule[f.rule_id];
        std::vector<std::pair<std::string, std::size_t>> sorted(by_rule.begin(), by_rule.end());
        std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        std::string parts;
        for (const auto& [rule, n] : sorted) parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", rule, n);
        line += " (" + parts + ")";
    }
    const auto& s = r.suppressed;
    std::string quiet;
    for (const auto& [n, what] : {std::pair{s.inline_allow, "inline allow"}, std::pair{s.allowlist, "allowlist"},
                                  std::pair{s.ignore_file, ".keyfenceignore"}, std::pair{s.baseline, "baseline"},
                                  std::pair{s.placeholder, "placeholder"}, std::pair{s.checksum, "failed checksum"}})
        if (n) quiet += fmt::format("{}{} {}", quiet.empty() ? "" : ", ", n, what);
    if (!quiet.empty()) line += "; suppressed: " + quiet;
    std::size_t live = 0, invalid = 0, unknown = 0, validated = 0;
    for (const Finding& f : r.findings)
        if (f.validation) {
            ++validated;
            (f.validation->status == "live" ? live : f.validation->status == "invalid" ? invalid : unknown)++;
        }
    if (validated) line += fmt::format("; validated: {} live, {} invalid, {} unknown", live, invalid, unknown);
    if (r.stats.skipped) line += fmt::format("; {} skipped", r.stats.skipped);
    if (!r.diagnostics.empty()) line += fmt::format("; {} note{}", r.diagnostics.size(), r.diagnostics.size() == 1 ? "" : "s");
    std::cerr << line << "\n";
    // Many repositories: how many distinct keys each one holds (as the finding or in also_in).
    std::map<std::string, std::set<std::string>> keys_in;
    for (const Finding& f : r.findings) {
        if (!f.repository.empty()) keys_in[f.repository].insert(f.fingerprint);
        for (const Place& p : f.also_in)
            if (!p.repository.empty()) keys_in[p.repository].insert(f.fingerprint);
    }
    if (!keys_in.empty()) {
        // Most keys first; an organization's audit lists its 20 worst repositories, the report has the rest.
        std::vector<std::pair<std::string, std::size_t>> counts;
        for (const auto& [repo, keys] : keys_in) counts.emplace_back(repo, keys.size());
        std::stable_sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        constexpr std::size_t kShown = 20;
        std::string parts;
        for (std::size_t i = 0; i < std::min(kShown, counts.size()); ++i)
            parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", counts[i].first, counts[i].second);
        if (counts.size() > kShown) parts += fmt::format(", and {} more", counts.size() - kShown);
        std::cerr << "keyfence: keys per repository: " << parts << "\n";
    }
}

}  // namespace keyfence::cli
