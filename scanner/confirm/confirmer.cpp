#include "confirm/confirmer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "confirm/checks/checksum.hpp"
#include "confirm/checks/placeholder.hpp"
#include "core/digest.hpp"
#include "core/error.hpp"
#include "core/line_index.hpp"
#include "core/text.hpp"

namespace keyfence::confirm {
namespace {

// Rules in the wild carry big bounded repeats; RE2's default 8 MB budget rejects some of them.
constexpr int64_t kRe2MaxMem = 64 << 20;
// Lines longer than this are cut around the secret in reports (minified files are one huge line).
constexpr std::size_t kLineContext = 200;

// Rule regexes run in Latin-1 mode: one byte is one character, exactly as Hyperscan sees the input, so
// every match RE2 can find is one Hyperscan reported and windows may start and end on any byte. Rules
// using Unicode classes (confirmed only, never matched by Hyperscan) keep UTF-8.
enum class Encoding { kBytes, kUtf8 };

std::unique_ptr<RE2> compile_re2(const std::string& pattern, const std::string& what, Encoding enc = Encoding::kUtf8) {
    RE2::Options opts;
    opts.set_log_errors(false);
    if (enc == Encoding::kBytes) opts.set_encoding(RE2::Options::EncodingLatin1);
    opts.set_max_mem(kRe2MaxMem);
    auto re = std::make_unique<RE2>(pattern, opts);
    if (!re->ok()) throw Error(fmt::format("{}: invalid regex: {}", what, re->error()));
    return re;
}

std::vector<std::unique_ptr<RE2>> compile_all(const std::vector<std::string>& patterns, const std::string& what) {
    std::vector<std::unique_ptr<RE2>> out;
    for (const auto& p : patterns) out.push_back(compile_re2(p, what));
    return out;
}

bool any_partial_match(const std::vector<std::unique_ptr<RE2>>& res, std::string_view text) {
    return std::any_of(res.begin(), res.end(), [&](const auto& re) { return RE2::PartialMatch(text, *re); });
}

}  // namespace

// Facts about one input, computed once and only for inputs that have a candidate to report.
struct Confirmer::InputFacts {
    explicit InputFacts(std::string_view text) : lines(text), binary(looks_binary(text)) {
        for (std::string_view marker : kInlineAllowMarkers)
            for (std::size_t p = text.find(marker); p != std::string_view::npos; p = text.find(marker, p + 1))
                allow_lines.push_back(lines.locate(p).line);
        std::sort(allow_lines.begin(), allow_lines.end());
    }
    // True when a line in [first, last] carries an inline allow marker.
    bool allowed_inline(std::uint64_t first, std::uint64_t last) const {
        auto it = std::lower_bound(allow_lines.begin(), allow_lines.end(), first);
        return it != allow_lines.end() && *it <= last;
    }
    LineIndex lines;
    bool binary;
    std::vector<std::uint64_t> allow_lines;
};

// The line holding pos, found by looking at most kLineReach bytes each way; a longer line (minified
// code) is taken from the input's line index instead, built once.
std::string_view Confirmer::line_around(std::string_view text, std::size_t pos, std::unique_ptr<InputFacts>& facts) {
    constexpr std::size_t kLineReach = 4096;
    std::size_t begin = pos;
    const std::size_t floor = pos > kLineReach ? pos - kLineReach : 0;
    while (begin > floor && text[begin - 1] != '\n') --begin;
    const std::size_t ceil = std::min(text.size(), pos + kLineReach);
    const void* nl = std::memchr(text.data() + pos, '\n', ceil - pos);
    const bool found_begin = begin == 0 || text[begin - 1] == '\n';
    if (found_begin && (nl || ceil == text.size())) {
        std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
        if (end > begin && text[end - 1] == '\r') --end;
        return text.substr(begin, end - begin);
    }
    if (!facts) facts = std::make_unique<InputFacts>(text);
    return facts->lines.line_at(pos);
}

struct Confirmer::CompiledAllowlist {
    const rules::Allowlist* spec;
    std::vector<std::unique_ptr<RE2>> paths;
    std::vector<std::unique_ptr<RE2>> regexes;
    std::vector<std::uint32_t> target_rules;  // rule indexes; empty = every rule
};

// A rule's RE2 and allowlists are compiled on first use: a clean input needs none of them, and compiling
// all of them eagerly cost the pre-commit hook ~4 ms with 44 rules and ~10 ms with 106 (the generic rules
// carry dozens of allowlist regexes). prepare_all() compiles them to validate a new rule set.
Confirmer::CompiledAllowlist Confirmer::compile_allowlist(const rules::Allowlist& a, const std::string& what) {
    CompiledAllowlist c;
    c.spec = &a;
    c.paths = compile_all(a.paths, what + " allowlist path");
    c.regexes = compile_all(a.regexes, what + " allowlist regex");
    return c;
}

bool is_generic(const std::vector<std::string>& tags) { return std::find(tags.begin(), tags.end(), "generic") != tags.end(); }

struct Confirmer::CompiledRule {
    const rules::Rule* spec = nullptr;
    std::string what;           // "file:line: rule 'id'", for errors
    std::unique_ptr<RE2> path;  // null when the rule applies to every path
    int group = -1;             // secret group; -1: first group that matched, else the whole match
    bool generic = false;       // tagged "generic": reports a value by its context, not by its shape

    // The rule's regex (never called for path-only rules) and allowlists. Throw keyfence::Error on a bad regex.
    const RE2& re() const {
        std::call_once(re_once_, [this] {
            auto re = compile_re2(spec->regex, what, uses_unicode_classes(spec->regex) ? Encoding::kUtf8 : Encoding::kBytes);
            if (group > re->NumberOfCapturingGroups())
                throw Error(fmt::format("{}: secretGroup {} but the regex has {} capture groups", what, group, re->NumberOfCapturingGroups()));
            // Without a secretGroup the secret is the first group that matched, unnamed groups first:
            // a named group is a companion a validator sends ({{keyid}}), not the secret.
            const auto& names = re->CapturingGroupNames();
            for (bool named : {false, true})
                for (int g = 1; g <= re->NumberOfCapturingGroups(); ++g)
                    if (names.contains(g) == named) secret_candidates_.push_back(g);
            re_ = std::move(re);
        });
        return *re_;
    }
    const std::vector<int>& secret_candidates() const { return secret_candidates_; }  // after re()
    const std::vector<CompiledAllowlist>& allowlists() const {
        std::call_once(allow_once_, [this] {
            for (const auto& a : spec->allowlists) allowlists_.push_back(compile_allowlist(a, what));
        });
        return allowlists_;
    }

private:
    mutable std::once_flag re_once_, allow_once_;
    mutable std::unique_ptr<RE2> re_;
    mutable std::vector<int> secret_candidates_;
    mutable std::vector<CompiledAllowlist> allowlists_;
};

Confirmer::~Confirmer() = default;

Confirmer::Confirmer(const rules::RuleSet& rules, const match::CompiledRules& compiled) : rules_(rules), compiled_(compiled) {
    for (const rules::Rule& r : rules.rules) {
        auto c = std::make_unique<CompiledRule>();
        c->spec = &r;
        c->what = fmt::format("{}: rule '{}'", r.origin, r.id);
        if (!r.path.empty()) c->path = compile_re2(r.path, c->what + " path");
        if (r.secret_group) c->group = *r.secret_group;
        c->generic = is_generic(r.tags);
        if (!r.checksum.empty() && !is_known_checksum(r.checksum))
            throw Error(fmt::format("{}: unknown checksum '{}' (known: github-crc32, npm-crc32)", c->what, r.checksum));
        compiled_rules_.push_back(std::move(c));
    }
    for (const auto& a : rules.allowlists) {
        CompiledAllowlist c = compile_allowlist(a, a.origin);
        for (const auto& id : a.target_rules) {
            auto it = std::find_if(rules.rules.begin(), rules.rules.end(), [&](const rules::Rule& r) { return r.id == id; });
            if (it == rules.rules.end()) throw Error(fmt::format("{}: targetRules names unknown rule '{}'", a.origin, id));
            c.target_rules.push_back(static_cast<std::uint32_t>(it - rules.rules.begin()));
        }
        global_allowlists_.push_back(std::move(c));
    }
}

bool Confirmer::rule_applies(std::uint32_t rule, const Input& in) const {
    const CompiledRule& c = *compiled_rules_[rule];
    return !c.path || RE2::PartialMatch(in.path, *c.path);
}

bool Confirmer::keywords_present(std::uint32_t rule, std::string_view match, std::string_view content,
                                 std::vector<std::int8_t>& in_input) const {
    // gitleaks semantics: a rule with keywords applies to inputs containing one. Most regexes contain their
    // keyword, so the match itself usually answers; the whole input is searched at most once per keyword.
    const auto& kws = compiled_.rule_info(rule).keyword_ids;
    if (kws.empty() || compiled_.rule_info(rule).mode == match::PatternMode::kKeywords) return true;
    const auto words = compiled_.keywords();
    for (std::uint32_t k : kws)
        if (contains_icase(match, words[k])) return true;
    for (std::uint32_t k : kws) {
        if (in_input[k] < 0) in_input[k] = contains_icase(content, words[k]) ? 1 : 0;
        if (in_input[k]) return true;
    }
    return false;
}

bool Confirmer::allowed(const CompiledAllowlist& a, const Input& in, std::string_view secret, std::string_view match,
                        std::string_view line) const {
    // Each criterion the allowlist sets is one vote; OR needs one, AND needs all.
    int set = 0, hit = 0;
    auto vote = [&](bool present, auto&& test) {
        if (!present) return;
        ++set;
        if (test()) ++hit;
    };
    const rules::Allowlist& s = *a.spec;
    vote(!s.commits.empty(), [&] {
        return !in.commit.empty() && std::any_of(s.commits.begin(), s.commits.end(), [&](const std::string& c) {
            return in.commit.rfind(c, 0) == 0;  // full id or a prefix of it
        });
    });
    vote(!a.paths.empty(), [&] { return any_partial_match(a.paths, in.path); });
    vote(!a.regexes.empty(), [&] {
        const std::string_view target = s.regex_target == rules::RegexTarget::kMatch  ? match
                                        : s.regex_target == rules::RegexTarget::kLine ? line
                                                                                      : secret;
        return any_partial_match(a.regexes, target);
    });
    vote(!s.stopwords.empty(), [&] {
        return std::any_of(s.stopwords.begin(), s.stopwords.end(), [&](const std::string& w) { return contains_icase(secret, w); });
    });
    if (set == 0) return false;
    return s.condition == rules::Condition::kAnd ? hit == set : hit > 0;
}

void Confirmer::search_window(const Input& in, const Window& w, std::vector<Finding>& out, std::uint64_t& next_start,
                              std::unique_ptr<InputFacts>& facts, std::vector<std::int8_t>& keyword_in_input,
                              std::vector<SecretSpan>& judged_by_provider, SuppressionCounts& counts) const {
    const rules::Rule& rule = rules_.rules[w.rule];
    const CompiledRule& c = *compiled_rules_[w.rule];
    const RE2& re = c.re();
    const std::string_view text = in.content;
    const int nsub = re.NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> groups(static_cast<std::size_t>(nsub));
    // Windows of one rule come sorted by start and may overlap: matches starting before next_start were seen.
    std::size_t pos = std::max<std::size_t>(w.begin, next_start);
    while (pos <= w.end &&
           re.Match(re2::StringPiece(text.data(), text.size()), pos, w.end, RE2::UNANCHORED, groups.data(), nsub)) {
        const std::size_t mbegin = static_cast<std::size_t>(groups[0].data() - text.data());
        const std::size_t mend = mbegin + groups[0].size();
        pos = mend > mbegin ? mend : mbegin + 1;
        next_start = pos;  // matches of one rule do not overlap, as with a find-all over the whole input

        re2::StringPiece secret_piece = groups[0];
        if (c.group >= 0) {
            secret_piece = groups[static_cast<std::size_t>(c.group)];
        } else {
            for (int g : c.secret_candidates())
                if (groups[static_cast<std::size_t>(g)].data() && !groups[static_cast<std::size_t>(g)].empty()) {
                    secret_piece = groups[static_cast<std::size_t>(g)];
                    break;
                }
        }
        if (!secret_piece.data() || secret_piece.empty()) continue;
        const std::string_view secret(secret_piece.data(), secret_piece.size());
        const std::string_view match(groups[0].data(), groups[0].size());
        const std::size_t sbegin = static_cast<std::size_t>(secret_piece.data() - text.data());

        if (!keywords_present(w.rule, match, text, keyword_in_input)) continue;
        // From here a provider's rule has judged these bytes, whatever it decides below.
        if (!c.generic) judged_by_provider.push_back({sbegin, sbegin + secret.size()});
        if (looks_like_placeholder(secret)) {
            ++counts.placeholder;
            continue;
        }
        const double entropy = shannon_entropy(secret);
        if (rule.entropy && entropy < *rule.entropy) {
            ++counts.entropy;
            continue;
        }
        if (!rule.checksum.empty() && !passes_checksum(rule.checksum, secret)) {
            ++counts.checksum;
            continue;
        }
        // Allowlists first, on the secret's line found locally: most candidates stop here, and the
        // whole-input line index (a pass over every byte) is only built for what gets reported.
        const std::string_view full_line = line_around(text, sbegin, facts);
        const auto& rule_allowlists = c.allowlists();
        bool is_allowed = std::any_of(rule_allowlists.begin(), rule_allowlists.end(),
                                      [&](const CompiledAllowlist& a) { return allowed(a, in, secret, match, full_line); });
        for (const CompiledAllowlist& a : global_allowlists_) {
            if (is_allowed) break;
            if (!a.target_rules.empty() &&
                std::find(a.target_rules.begin(), a.target_rules.end(), w.rule) == a.target_rules.end())
                continue;
            is_allowed = allowed(a, in, secret, match, full_line);
        }
        if (is_allowed) {
            ++counts.allowlist;
            continue;
        }
        if (!facts) facts = std::make_unique<InputFacts>(text);
        const LineCol start = facts->lines.locate(sbegin);
        const LineCol last = facts->lines.locate(sbegin + secret.size() - 1);
        if (facts->allowed_inline(facts->lines.locate(mbegin).line, facts->lines.locate(mend > mbegin ? mend - 1 : mbegin).line)) {
            ++counts.inline_allow;
            continue;
        }

        Finding f;
        f.rule_id = rule.id;
        f.description = rule.description;
        f.path = in.path;
        f.line = start.line;
        f.column = start.column;
        f.end_line = last.line;
        f.end_column = last.column;
        f.offset = sbegin;
        f.secret = std::string(secret);
        f.match = std::string(match);
        // Cut very long lines around the secret.
        const std::size_t line_off = static_cast<std::size_t>(full_line.data() - text.data());
        const std::size_t cut_from = std::max(line_off, sbegin > kLineContext ? sbegin - kLineContext : 0);
        const std::size_t cut_to = std::min(line_off + full_line.size(), sbegin + secret.size() + kLineContext);
        f.line_text = std::string(text.substr(cut_from, cut_to > cut_from ? cut_to - cut_from : 0));
        f.entropy = entropy;
        f.fingerprint = fingerprint_of(rule.id, secret);
        f.binary = facts->binary;
        f.tags = rule.tags;
        f.remediation = rule.remediation;
        out.push_back(std::move(f));
    }
}

void Confirmer::confirm(const Input& in, const match::Matcher& m, std::vector<Finding>& out, SuppressionCounts& counts) const {
    const std::size_t first_new = out.size();
    std::vector<Window> windows;
    const std::uint64_t size = in.content.size();
    for (const match::RawMatch& raw : m.raw_matches()) {
        const auto& info = compiled_.rule_info(raw.rule);
        const std::uint64_t back = info.lookback;
        const std::uint64_t fwd = info.mode == match::PatternMode::kKeywords ? info.lookback : 0;
        windows.push_back({raw.rule, raw.first_end > back ? raw.first_end - back : 0, std::min(size, raw.last_end + fwd)});
    }
    for (std::uint32_t r : compiled_.every_input_rules()) windows.push_back({r, 0, size});
    if (windows.empty() && compiled_.path_only_rules().empty()) return;
    std::sort(windows.begin(), windows.end(), [](const Window& a, const Window& b) {
        return a.rule != b.rule ? a.rule < b.rule : a.begin < b.begin;
    });

    std::unique_ptr<InputFacts> facts;
    std::vector<std::int8_t> keyword_in_input(compiled_.keywords().size(), -1);  // per keyword: unknown, no, yes
    std::vector<SecretSpan> judged_by_provider;
    std::uint64_t next_start = 0;  // matches of the current rule starting before this were already searched
    std::uint32_t current = UINT32_MAX;
    bool applies = false;
    for (const Window& w : windows) {
        if (w.rule != current) {
            current = w.rule;
            next_start = 0;
            applies = rule_applies(w.rule, in);
        }
        if (applies) search_window(in, w, out, next_start, facts, keyword_in_input, judged_by_provider, counts);
    }
    for (std::uint32_t r : compiled_.path_only_rules()) {
        if (!compiled_rules_[r]->path || !RE2::PartialMatch(in.path, *compiled_rules_[r]->path)) continue;
        const rules::Rule& rule = rules_.rules[r];
        Finding f;
        f.rule_id = rule.id;
        f.description = rule.description;
        f.path = in.path;
        f.fingerprint = fingerprint_of(rule.id, in.path);
        f.tags = rule.tags;
        f.remediation = rule.remediation;
        out.push_back(std::move(f));
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first_new), out.end(), finding_less);
    if (!keep_duplicates_) drop_generic_duplicates(out, first_new, judged_by_provider);
}

// One key, one finding. A generic rule (tag "generic": assignments, declared secrets, Authorization headers)
// does not report bytes a provider's rule has judged: that rule's finding stands, or its verdict (a failed
// checksum, a placeholder, an allowlist) does. Where two generic rules confirm the same bytes, the one
// defined first stands.
void Confirmer::drop_generic_duplicates(std::vector<Finding>& out, std::size_t first_new,
                                        const std::vector<SecretSpan>& judged_by_provider) const {
    const auto generic = [](const Finding& f) { return is_generic(f.tags); };
    if (std::none_of(out.begin() + static_cast<std::ptrdiff_t>(first_new), out.end(), generic)) return;
    const auto rule_index = [&](const Finding& f) {
        return std::find_if(rules_.rules.begin(), rules_.rules.end(), [&](const rules::Rule& r) { return r.id == f.rule_id; }) -
               rules_.rules.begin();
    };
    std::vector<Finding> kept;
    for (std::size_t i = first_new; i < out.size(); ++i) {
        Finding& f = out[i];
        if (!generic(f) || f.secret.empty()) {
            kept.push_back(std::move(f));
            continue;
        }
        const std::uint64_t begin = f.offset, end = f.offset + f.secret.size();
        if (std::any_of(judged_by_provider.begin(), judged_by_provider.end(),
                        [&](const SecretSpan& p) { return p.begin < end && begin < p.end; }))
            continue;
        const auto same = std::find_if(kept.begin(), kept.end(),
                                       [&](const Finding& k) { return generic(k) && k.offset == f.offset && k.secret == f.secret; });
        if (same == kept.end()) kept.push_back(std::move(f));
        else if (rule_index(f) < rule_index(*same)) *same = std::move(f);
    }
    out.resize(first_new);
    for (Finding& f : kept) out.push_back(std::move(f));
}

void Confirmer::prepare_all() const {
    for (const auto& c : compiled_rules_) {
        if (!c->spec->regex.empty()) c->re();
        c->allowlists();
    }
}

std::string fingerprint_of(std::string_view rule_id, std::string_view secret) {
    std::string key;
    key.reserve(rule_id.size() + 1 + secret.size());
    key.append(rule_id).append(1, ':').append(secret);
    return sha256_hex(key).substr(0, 32);
}

}  // namespace keyfence::confirm
