#include "scan/engine.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/line_index.hpp"
#include "decode/encodings.hpp"

#include "core/text.hpp"
#include "match/binary_rules.hpp"
#include "match/database_cache.hpp"

namespace keyfence::scan {

Engine::Engine(rules::RuleSet rules, const std::optional<std::filesystem::path>& cache_dir)
    : rules_(std::make_unique<rules::RuleSet>(std::move(rules))), cache_dir_(cache_dir) {
    bool from_cache = false;
    compiled_ = std::make_unique<match::CompiledRules>(match::load_or_build(*rules_, cache_dir, &from_cache));
    confirmer_ = std::make_unique<confirm::Confirmer>(*rules_, *compiled_);
    composites_ = std::make_unique<confirm::CompositeRules>(*rules_);
    // A cached database exists only for rules whose regexes compiled before; new rules are checked now.
    if (!from_cache) confirmer_->prepare_all();
}

const Engine& Engine::for_binary() const {
    if (is_binary_variant_) return *this;
    std::call_once(binary_once_, [&] {
        std::optional<rules::RuleSet> variant = match::binary_variant(*rules_);
        if (!variant) return;
        binary_ = std::make_unique<Engine>(std::move(*variant), cache_dir_);
        binary_->is_binary_variant_ = true;
        if (keep_everything_) binary_->keep_duplicate_findings();
    });
    return binary_ ? *binary_ : *this;
}

Worker::~Worker() = default;

void Worker::scan(const Input& in, std::vector<Finding>& out) {
    std::uint64_t budget = archive_limits_.max_total_size;
    const std::size_t first = out.size();
    scan_at_depth(in, out, 0, budget, max_decode_depth_, false);
    engine_.composites().apply(out, first, engine_.keeps_everything());
}

void Worker::scan_at_depth(const Input& in, std::vector<Finding>& out, unsigned depth, std::uint64_t& archive_budget, unsigned decodes_left,
                           bool decoded) {
    const std::size_t first = out.size();
    const Engine& engine = looks_binary(in.content) ? engine_.for_binary() : engine_;
    match::Matcher* matcher = &matcher_;
    if (&engine != &engine_) {
        if (!binary_matcher_) binary_matcher_ = std::make_unique<match::Matcher>(engine.compiled());
        matcher = binary_matcher_.get();
    }
    matcher->scan(in.content);
    engine.confirmer().confirm(in, *matcher, out, suppressed_);
    if (decodes_left > 0) {
        std::vector<decode::EncodedRun> runs;
        decode::find_encoded_runs(in.content, runs);
        if (!runs.empty()) scan_encoded_runs(in, runs, out, first, depth, archive_budget, decodes_left - 1);
    }
    // Decoded bytes are not opened as archives: \x escapes of a gzip in a Python test are test data, and
    // base64 and hex are decoded only when they give text.
    if (decoded || !decode::looks_like_archive(in.content)) return;
    if (depth >= archive_limits_.max_depth) {
        diagnostics_.push_back({in.path, "archive nested too deep: not opened"});
        return;
    }
    std::vector<std::string> notes;
    decode::for_each_member(
        in.content, in.path, archive_limits_, archive_budget,
        [&](const std::string& name, std::string_view data) {
            scan_at_depth(Input{data, in.path + "!" + name, in.commit}, out, depth + 1, archive_budget, max_decode_depth_, false);
        },
        notes);
    for (std::string& n : notes) diagnostics_.push_back({in.path, std::move(n)});
}

void Worker::scan_encoded_runs(const Input& in, const std::vector<decode::EncodedRun>& runs, std::vector<Finding>& out, std::size_t own_first,
                               unsigned depth, std::uint64_t& archive_budget, unsigned decodes_left) {
    std::unique_ptr<LineIndex> lines;  // of the encoded input, only if a decoded run holds a finding
    std::string decoded;
    std::vector<Finding> found;
    // A finding of the encoded text itself spans its secret; one found by decoding stands at its run's start.
    auto overlaps_run = [](const Finding& f, const decode::EncodedRun& run) {
        const std::size_t end = f.encoding.empty() ? f.offset + f.secret.size() : f.offset + 1;
        return !f.secret.empty() && f.offset < run.end && run.begin < end;
    };
    for (const decode::EncodedRun& run : runs) {
        if (!decode::decode_run(in.content.substr(run.begin, run.end - run.begin), run.encoding, decoded)) continue;
        found.clear();
        scan_at_depth(Input{decoded, in.path, in.commit}, found, depth, archive_budget, decodes_left, true);
        // One key, one finding. A generic rule that reported the encoded text itself (a Kubernetes Secret's
        // data value) does not stand beside what the text decodes to when that is judged in its own right:
        // a provider's key found inside stands for the run, and a multi-line base64 document (a config
        // file in a Secret) is scanned as the document it is.
        const bool judged_inside = (run.encoding == decode::Encoding::kBase64 && decoded.find('\n') != std::string::npos) ||
                                   std::any_of(found.begin(), found.end(), [](const Finding& f) { return !confirm::is_generic(f.tags); });
        const auto own_begin = out.begin() + static_cast<std::ptrdiff_t>(own_first);
        if (judged_inside)
            out.erase(std::remove_if(own_begin, out.end(),
                                     [&](const Finding& f) { return f.encoding.empty() && confirm::is_generic(f.tags) && overlaps_run(f, run); }),
                      out.end());
        // And a key already reported here, as it stands in the encoded text (a percent-encoded URL whose key
        // has no escape in it) or through another encoding of the same bytes, is not reported again.
        std::erase_if(found, [&](const Finding& f) {
            return std::any_of(out.begin() + static_cast<std::ptrdiff_t>(own_first), out.end(),
                               [&](const Finding& g) { return g.secret == f.secret && overlaps_run(g, run); });
        });
        if (found.empty()) continue;
        if (!lines) lines = std::make_unique<LineIndex>(in.content);
        const LineCol first = lines->locate(run.begin), last = lines->locate(run.end - 1);
        const std::string_view name = decode::encoding_name(run.encoding);
        for (Finding& f : found) {
            f.offset = run.begin;
            f.line = first.line;
            f.column = first.column;
            f.end_line = last.line;
            f.end_column = last.column;
            // Outermost first: "percent+base64" is base64 inside percent-encoding.
            f.encoding = f.encoding.empty() ? std::string(name) : fmt::format("{}+{}", name, f.encoding);
            out.push_back(std::move(f));
        }
    }
}

}  // namespace keyfence::scan
