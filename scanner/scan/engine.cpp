#include "scan/engine.hpp"

#include <algorithm>

#include "core/line_index.hpp"
#include "decode/base64.hpp"

#include "match/database_cache.hpp"

namespace keyfence::scan {

Engine::Engine(rules::RuleSet rules, const std::optional<std::filesystem::path>& cache_dir)
    : rules_(std::make_unique<rules::RuleSet>(std::move(rules))) {
    bool from_cache = false;
    compiled_ = std::make_unique<match::CompiledRules>(match::load_or_build(*rules_, cache_dir, &from_cache));
    confirmer_ = std::make_unique<confirm::Confirmer>(*rules_, *compiled_);
    // A cached database exists only for rules whose regexes compiled before; new rules are checked now.
    if (!from_cache) confirmer_->prepare_all();
}

void Worker::scan(const Input& in, std::vector<Finding>& out) {
    std::uint64_t budget = archive_limits_.max_total_size;
    scan_at_depth(in, out, 0, budget, true);
}

void Worker::scan_at_depth(const Input& in, std::vector<Finding>& out, unsigned depth, std::uint64_t& archive_budget, bool decode_base64) {
    const std::size_t first = out.size();
    matcher_.scan(in.content);
    engine_.confirmer().confirm(in, matcher_, out, suppressed_);
    if (decode_base64) {
        std::vector<std::pair<std::size_t, std::size_t>> runs;
        decode::find_base64_runs(in.content, kBase64MinRun, runs);
        if (!runs.empty()) scan_base64_runs(in, runs, out, first, depth, archive_budget);
    }
    if (!decode::looks_like_archive(in.content)) return;
    if (depth >= archive_limits_.max_depth) {
        diagnostics_.push_back({in.path, "archive nested too deep: not opened"});
        return;
    }
    std::vector<std::string> notes;
    decode::for_each_member(
        in.content, in.path, archive_limits_, archive_budget,
        [&](const std::string& name, std::string_view data) {
            scan_at_depth(Input{data, in.path + "!" + name, in.commit}, out, depth + 1, archive_budget, true);
        },
        notes);
    for (std::string& n : notes) diagnostics_.push_back({in.path, std::move(n)});
}

void Worker::scan_base64_runs(const Input& in, const std::vector<std::pair<std::size_t, std::size_t>>& runs, std::vector<Finding>& out,
                              std::size_t own_first, unsigned depth, std::uint64_t& archive_budget) {
    std::unique_ptr<LineIndex> lines;  // of the encoded input, only if a decoded run holds a finding
    std::string decoded;
    std::vector<Finding> found;
    for (const auto& [begin, end] : runs) {
        if (!decode::decode_base64_text(in.content.substr(begin, end - begin), decoded)) continue;
        found.clear();
        // Decoded once: base64 inside base64 is not decoded again.
        scan_at_depth(Input{decoded, in.path, in.commit}, found, depth, archive_budget, false);
        // One key, one finding: a generic rule that reported the encoded text itself (a Kubernetes Secret's
        // data value) does not stand beside what the text decodes to when that is judged in its own right:
        // a provider's key found inside stands for the run, and a multi-line document (a config file in a
        // Secret) is scanned as the document it is.
        const bool judged_inside = decoded.find('\n') != std::string::npos ||
                                   std::any_of(found.begin(), found.end(), [](const Finding& f) { return !confirm::is_generic(f.tags); });
        if (judged_inside)
            out.erase(std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(own_first), out.end(),
                                     [&](const Finding& f) {
                                         return f.encoding.empty() && !f.secret.empty() && confirm::is_generic(f.tags) &&
                                                f.offset < end && begin < f.offset + f.secret.size();
                                     }),
                      out.end());
        if (found.empty()) continue;
        if (!lines) lines = std::make_unique<LineIndex>(in.content);
        const LineCol first = lines->locate(begin), last = lines->locate(end - 1);
        for (Finding& f : found) {
            f.offset = begin;
            f.line = first.line;
            f.column = first.column;
            f.end_line = last.line;
            f.end_column = last.column;
            f.encoding = "base64";
            out.push_back(std::move(f));
        }
    }
}

}  // namespace keyfence::scan
