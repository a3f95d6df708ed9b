#include "match/compiled_rules.hpp"

#include "core/byte_codec.hpp"
#include "core/text.hpp"
#include "match/regex_engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>

namespace keyfence::match {

std::string to_hyperscan_syntax(const std::string& re) {
    std::string out;
    out.reserve(re.size());
    for (std::size_t i = 0; i < re.size(); ++i) {
        if (re[i] == '\\' && i + 1 < re.size()) {  // copy escapes whole so "\(?P<" is left alone
            out += re[i];
            out += re[++i];
            continue;
        }
        if (re.compare(i, 4, "(?P<") == 0) {  // named group: Hyperscan needs no names, keep the group
            const std::size_t close = re.find('>', i);
            if (close != std::string::npos) {
                out += '(';
                i = close;
                continue;
            }
        }
        out += re[i];
    }
    return out;
}

namespace {

std::string literal_pattern(const std::string& lit) {
    std::string out;
    for (unsigned char c : lit) out += fmt::format("\\x{:02x}", c);
    return out;
}

struct Candidate {
    std::string expr;
    unsigned flags;
    std::uint32_t rule;
    bool keyword;  // a keyword literal of a rule Hyperscan cannot compile
};

// One expression's info in a mode, or the Hyperscan message explaining why it does not parse.
bool expression_info(const std::string& expr, unsigned flags, hs_expr_info_t** info, std::string& message) {
    hs_compile_error_t* raw_err = nullptr;
    if (hs_expression_info(expr.c_str(), flags, info, &raw_err) == HS_SUCCESS) return true;
    HsCompileError err(raw_err);
    message = err && err->message ? err->message : "unknown error";
    return false;
}

}  // namespace

CompiledRules CompiledRules::build(const rules::RuleSet& rules) {
    regex_engine::require_supported_platform();  // one clear error instead of a compile status code
    CompiledRules cr;
    cr.rule_infos_.resize(rules.rules.size());
    std::map<std::string, std::uint32_t> keyword_index;
    std::vector<Candidate> cands;

    for (std::uint32_t ri = 0; ri < rules.rules.size(); ++ri) {
        const rules::Rule& rule = rules.rules[ri];
        RuleMatchInfo& info = cr.rule_infos_[ri];
        for (const std::string& kw : rule.keywords) {
            auto [it, fresh] = keyword_index.emplace(kw, static_cast<std::uint32_t>(cr.keywords_.size()));
            if (fresh) cr.keywords_.push_back(kw);
            info.keyword_ids.push_back(it->second);
        }
        if (rule.regex.empty()) {
            info.mode = PatternMode::kPathOnly;
            cr.path_only_rules_.push_back(ri);
            continue;
        }
        const std::string expr = to_hyperscan_syntax(rule.regex);
        std::string why;
        hs_expr_info_t* raw_info = nullptr;
        unsigned flags = 0;
        if (uses_unicode_classes(rule.regex)) {
            // Hyperscan scans bytes; a Unicode class would silently match nothing. Let RE2 decide.
            info.mode = rule.keywords.empty() ? PatternMode::kEveryInput : PatternMode::kKeywords;
            info.note = std::string("Unicode classes need RE2's UTF-8 mode") +
                        (rule.keywords.empty() ? "; no keywords, so RE2 runs on every input" : "; its keywords find candidates");
        } else if (expression_info(expr, 0, &raw_info, why)) {
            info.mode = PatternMode::kExact;
        } else if (std::string why2; expression_info(expr, HS_FLAG_PREFILTER, &raw_info, why2)) {
            info.mode = PatternMode::kPrefilter;
            flags = HS_FLAG_PREFILTER;
            info.note = "Hyperscan: " + why + "; compiled in prefilter mode";
        } else {
            info.mode = rule.keywords.empty() ? PatternMode::kEveryInput : PatternMode::kKeywords;
            info.note = "Hyperscan: " + why + (rule.keywords.empty() ? "; no keywords, so RE2 runs on every input"
                                                                     : "; its keywords find candidates");
        }
        if (raw_info) {
            const hs_expr_info_t inf = *raw_info;
            std::free(raw_info);  // allocated by Hyperscan's default allocator (malloc)
            if (inf.max_width == 0) throw Error(fmt::format("{}: rule '{}': regex matches only the empty string", rule.origin, rule.id));
            if (inf.min_width == 0) throw Error(fmt::format("{}: rule '{}': regex can match the empty string", rule.origin, rule.id));
            info.lookback = std::min<std::uint32_t>(inf.max_width, kUnboundedLookback);
            cands.push_back({expr, flags, ri, false});
        } else if (info.mode == PatternMode::kKeywords) {
            info.lookback = kKeywordWindow;
            for (const std::string& kw : rule.keywords)
                cands.push_back({literal_pattern(kw), HS_FLAG_CASELESS, ri, true});
        } else {
            cr.every_input_rules_.push_back(ri);
        }
    }
    // Keywords are not matched by Hyperscan: 142 caseless literals cost more than a third of the scan
    // (measured: rules alone 791 MB/s, rules + keywords 479 MB/s). The confirmer checks them per candidate.

    // Compile; an expression that parses but still fails to build (resource limits) is demoted one mode
    // and the compile retried, so no rule is ever dropped.
    while (!cands.empty()) {
        std::vector<const char*> exprs;
        std::vector<unsigned> flags, ids;
        for (std::size_t i = 0; i < cands.size(); ++i) {
            exprs.push_back(cands[i].expr.c_str());
            flags.push_back(cands[i].flags);
            ids.push_back(static_cast<unsigned>(i));
        }
        hs_database_t* raw_db = nullptr;
        hs_compile_error_t* raw_err = nullptr;
        if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                             nullptr, &raw_db, &raw_err) == HS_SUCCESS) {
            cr.db_.reset(raw_db);
            break;
        }
        HsCompileError err(raw_err);
        const std::string msg = err && err->message ? err->message : "unknown error";
        if (!err || err->expression < 0) throw Error("hyperscan: cannot compile the rule database: " + msg);
        Candidate& bad = cands[static_cast<std::size_t>(err->expression)];
        if (bad.keyword)
            throw Error(fmt::format("hyperscan: cannot compile keyword pattern: {}", msg));
        const std::uint32_t ri = bad.rule;
        RuleMatchInfo& info = cr.rule_infos_[ri];
        if (info.mode == PatternMode::kExact) {
            info.mode = PatternMode::kPrefilter;
            info.note = "Hyperscan: " + msg + "; compiled in prefilter mode";
            bad.flags |= HS_FLAG_PREFILTER;
            continue;
        }
        info.note = "Hyperscan: " + msg + (rules.rules[ri].keywords.empty() ? "; no keywords, so RE2 runs on every input"
                                                                            : "; its keywords find candidates");
        cands.erase(cands.begin() + err->expression);
        if (rules.rules[ri].keywords.empty()) {
            info.mode = PatternMode::kEveryInput;
            cr.every_input_rules_.push_back(ri);
        } else {
            info.mode = PatternMode::kKeywords;
            info.lookback = kKeywordWindow;
            for (const std::string& kw : rules.rules[ri].keywords)
                cands.push_back({literal_pattern(kw), HS_FLAG_CASELESS, ri, true});
        }
    }
    for (const Candidate& c : cands) cr.pattern_rules_.push_back(c.rule);
    std::sort(cr.every_input_rules_.begin(), cr.every_input_rules_.end());
    return cr;
}

}  // namespace keyfence::match

// --- serialization (for the on-disk cache) ---------------------------------------------------------
namespace keyfence::match {
namespace {

constexpr char kMagic[8] = {'K', 'F', 'H', 'S', 'D', 'B', '2', '\n'};

}  // namespace

std::string CompiledRules::serialize() const {
    ByteWriter w;
    w.raw(std::string_view(kMagic, sizeof kMagic));
    w.u32(static_cast<std::uint32_t>(pattern_rules_.size()));
    for (std::uint32_t rule : pattern_rules_) w.u32(rule);
    w.u32(static_cast<std::uint32_t>(rule_infos_.size()));
    for (const RuleMatchInfo& r : rule_infos_) {
        w.u32(static_cast<std::uint32_t>(r.mode));
        w.u32(r.lookback);
        w.u32(static_cast<std::uint32_t>(r.keyword_ids.size()));
        for (std::uint32_t k : r.keyword_ids) w.u32(k);
        w.bytes(r.note);
    }
    w.u32(static_cast<std::uint32_t>(keywords_.size()));
    for (const std::string& k : keywords_) w.bytes(k);
    for (const auto* list : {&every_input_rules_, &path_only_rules_}) {
        w.u32(static_cast<std::uint32_t>(list->size()));
        for (std::uint32_t v : *list) w.u32(v);
    }
    std::string db;
    if (db_) {
        char* raw = nullptr;
        std::size_t len = 0;
        check_hs(hs_serialize_database(db_.get(), &raw, &len), "serializing the database");
        db.assign(raw, len);
        std::free(raw);
    }
    w.bytes(db);
    return w.take();
}

std::optional<CompiledRules> CompiledRules::deserialize(std::string_view bytes, std::size_t rule_count) {
    if (bytes.size() < sizeof kMagic || bytes.substr(0, sizeof kMagic) != std::string_view(kMagic, sizeof kMagic)) return std::nullopt;
    ByteReader p(bytes.substr(sizeof kMagic));
    CompiledRules cr;
    std::uint32_t n = 0;
    if (!p.count(n, sizeof(std::uint32_t))) return std::nullopt;
    for (std::uint32_t i = 0; i < n; ++i) {
        std::uint32_t rule = 0;
        if (!p.u32(rule) || rule >= rule_count) return std::nullopt;
        cr.pattern_rules_.push_back(rule);
    }
    if (!p.u32(n) || n != rule_count) return std::nullopt;
    for (std::uint32_t i = 0; i < n; ++i) {
        RuleMatchInfo r;
        std::uint32_t mode = 0, nk = 0;

        if (!p.u32(mode) || mode > static_cast<std::uint32_t>(PatternMode::kPathOnly) || !p.u32(r.lookback) || !p.count(nk, sizeof(std::uint32_t)))
            return std::nullopt;
        r.mode = static_cast<PatternMode>(mode);
        for (std::uint32_t k = 0; k < nk; ++k) {
            std::uint32_t id = 0;
            if (!p.u32(id)) return std::nullopt;
            r.keyword_ids.push_back(id);
        }
        if (!p.string(r.note)) return std::nullopt;
        cr.rule_infos_.push_back(std::move(r));
    }
    if (!p.count(n, sizeof(std::uint64_t))) return std::nullopt;
    cr.keywords_.resize(n);
    for (std::string& k : cr.keywords_)
        if (!p.string(k)) return std::nullopt;
    for (auto* list : {&cr.every_input_rules_, &cr.path_only_rules_}) {
        if (!p.u32(n) || n > rule_count) return std::nullopt;
        for (std::uint32_t i = 0; i < n; ++i) {
            std::uint32_t v = 0;
            if (!p.u32(v) || v >= rule_count) return std::nullopt;
            list->push_back(v);
        }
    }
    std::string_view db;
    if (!p.bytes(db) || !p.done()) return std::nullopt;
    // Every index must point inside its table, so a damaged file can never index out of bounds.
    for (const RuleMatchInfo& r : cr.rule_infos_)
        for (std::uint32_t k : r.keyword_ids)
            if (k >= cr.keywords_.size()) return std::nullopt;
    if (!db.empty()) {
        hs_database_t* raw = nullptr;
        if (hs_deserialize_database(db.data(), db.size(), &raw) != HS_SUCCESS) return std::nullopt;
        cr.db_.reset(raw);  // Hyperscan checks the bytes' integrity and platform itself
    } else if (!cr.pattern_rules_.empty()) {
        return std::nullopt;
    }
    return cr;
}

}  // namespace keyfence::match
