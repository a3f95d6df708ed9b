// keyfence rules list | check: what the active rules are, and proof that each one works.
#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <iostream>

#include "core/text.hpp"
#include "cli/common.hpp"
#include "core/error.hpp"
#include "scan/engine.hpp"

namespace keyfence::cli {
namespace {

std::string join(const std::vector<std::string>& v, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? std::string(sep) : "") + v[i];
    return out;
}

const char* mode_name(match::PatternMode m) {
    switch (m) {
        case match::PatternMode::kExact: return "exact";
        case match::PatternMode::kPrefilter: return "prefilter";
        case match::PatternMode::kKeywords: return "keywords";
        case match::PatternMode::kEveryInput: return "every-input";
        case match::PatternMode::kPathOnly: return "path";
    }
    return "?";
}

rules::RuleSet active_rules(const CommonOptions& common, const std::optional<std::string>& file) {
    if (file) {
        rules::RuleSet rs = rules::load_rule_file(*file);
        for (const std::string& w : rs.warnings) std::cerr << "warning: " << w << "\n";
        return rs;
    }
    return load_rules(common, find_repo_root("."));
}

}  // namespace

int rules_list_command(const CommonOptions& common) {
    scan::Engine engine(active_rules(common, std::nullopt));
    const auto& rs = engine.rules();
    std::size_t w = 2;
    for (const auto& r : rs.rules) w = std::max(w, r.id.size());
    std::cout << fmt::format("{:<{}}  {:<10}  {}\n", "ID", w, "MATCHING", "DESCRIPTION [KEYWORDS]");
    for (std::size_t i = 0; i < rs.rules.size(); ++i) {
        const auto& r = rs.rules[i];
        // Where --validate would send this rule's keys, so nobody has to read the TOML to know.
        std::string host;
        if (r.validate) host = url_host(r.validate->url);
        std::cout << fmt::format("{:<{}}  {:<10}  {}{}{}\n", r.id, w, mode_name(engine.compiled().rule_info(i).mode), r.description,
                                 r.keywords.empty() ? "" : " [" + join(r.keywords, ", ") + "]", host.empty() ? "" : " (--validate: " + host + ")");
    }
    std::cerr << fmt::format("{} rules from {}\n", rs.rules.size(), rs.source);
    return 0;
}

int rules_check_command(const CommonOptions& common, const std::optional<std::string>& file) {
    rules::RuleSet rs = active_rules(common, file);
    // Examples are bare strings with no file around them: check them with path restrictions lifted.
    rules::RuleSet for_examples = rs;
    for (auto& r : for_examples.rules)
        if (!r.regex.empty()) r.path.clear();
    scan::Engine engine(std::move(for_examples));  // compiling is the first check
    engine.keep_duplicate_findings();  // with paths lifted, rules meet that never see the same file
    scan::Worker worker(engine);

    std::size_t failures = 0, examples = 0, negatives = 0;
    auto fail = [&](const rules::Rule& r, const std::string& what) {
        ++failures;
        std::cerr << fmt::format("FAIL {}: rule '{}': {}\n", r.origin, r.id, what);
    };
    for (std::size_t i = 0; i < rs.rules.size(); ++i) {
        const rules::Rule& r = rs.rules[i];
        const auto& info = engine.compiled().rule_info(i);
        if (!info.note.empty()) std::cerr << fmt::format("note: {}: rule '{}': {}\n", r.origin, r.id, info.note);
        auto fires = [&](const std::string& text) {
            if (r.regex.empty()) return RE2::PartialMatch(text, RE2(r.path));  // path-only: examples are paths
            std::vector<Finding> found;
            worker.scan(Input{text, "example", ""}, found);
            return std::any_of(found.begin(), found.end(), [&](const Finding& f) { return f.rule_id == r.id; });
        };
        if (r.examples.empty()) std::cerr << fmt::format("warning: {}: rule '{}' has no examples\n", r.origin, r.id);
        for (const auto& ex : r.examples) {
            ++examples;
            if (!fires(ex)) fail(r, fmt::format("example does not produce a finding: {}", ex.substr(0, 200)));
        }
        for (const auto& neg : r.negatives) {
            ++negatives;
            if (fires(neg)) fail(r, fmt::format("negative produces a finding: {}", neg.substr(0, 200)));
        }
    }
    std::cerr << fmt::format("{} rules, {} examples, {} negatives: {}\n", rs.rules.size(), examples, negatives,
                             failures ? fmt::format("{} failed", failures) : std::string("all passed"));
    return static_cast<int>(failures ? ExitCode::kError : ExitCode::kClean);
}

}  // namespace keyfence::cli
