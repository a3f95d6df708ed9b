#include "match/compiled_rules.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>

namespace keyfence::match {
namespace {

// Go/RE2 spellings Hyperscan's PCRE parser does not know, rewritten to equivalents.
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

std::string literal_pattern(const std::string& lit) {
    std::string out;
    for (unsigned char c : lit) out += fmt::format("\\x{:02x}", c);
    return out;
}

struct Candidate {
    std::string expr;
    unsigned flags;
    PatternRef ref;
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
            cands.push_back({expr, flags, {PatternRef::Kind::kRule, ri}});
        } else if (info.mode == PatternMode::kKeywords) {
            info.lookback = kKeywordWindow;
            for (const std::string& kw : rule.keywords)
                cands.push_back({literal_pattern(kw), HS_FLAG_CASELESS, {PatternRef::Kind::kRuleKeyword, ri}});
        } else {
            cr.every_input_rules_.push_back(ri);
        }
    }
    for (std::uint32_t k = 0; k < cr.keywords_.size(); ++k)
        cands.push_back({literal_pattern(cr.keywords_[k]), HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH, {PatternRef::Kind::kKeyword, k}});

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
        if (bad.ref.kind != PatternRef::Kind::kRule)
            throw Error(fmt::format("hyperscan: cannot compile keyword pattern: {}", msg));
        const std::uint32_t ri = bad.ref.index;
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
                cands.push_back({literal_pattern(kw), HS_FLAG_CASELESS, {PatternRef::Kind::kRuleKeyword, ri}});
        }
    }
    for (const Candidate& c : cands) cr.patterns_.push_back(c.ref);
    std::sort(cr.every_input_rules_.begin(), cr.every_input_rules_.end());
    return cr;
}

}  // namespace keyfence::match
