#include "confirm/composite_rules.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"

namespace keyfence::confirm {

CompositeRules::CompositeRules(const rules::RuleSet& rules) {
    auto defined = [&](const std::string& id) {
        return std::any_of(rules.rules.begin(), rules.rules.end(), [&](const rules::Rule& r) { return r.id == id; });
    };
    for (const rules::Rule& r : rules.rules) {
        if (r.skip_report) skip_report_ids_.push_back(r.id);
        if (r.required.empty()) continue;
        Composite c{r.id, {}};
        for (const rules::RequiredRule& q : r.required) {
            if (!defined(q.id)) throw Error(fmt::format("{}: rule '{}' requires rule '{}', which is not defined", r.origin, r.id, q.id));
            Requirement req{q.id};
            if (q.within_lines) req.within_lines = static_cast<std::uint64_t>(*q.within_lines), req.lines_limited = true;
            if (q.within_columns) req.within_columns = static_cast<std::uint64_t>(*q.within_columns), req.columns_limited = true;
            c.required.push_back(std::move(req));
        }
        composites_.push_back(std::move(c));
    }
    any_required_ = !composites_.empty();
}

const CompositeRules::Composite* CompositeRules::composite_of(const std::string& rule_id) const {
    for (const Composite& c : composites_)
        if (c.id == rule_id) return &c;
    return nullptr;
}

bool CompositeRules::close_enough(const Finding& primary, const Finding& other, const Requirement& q) {
    auto distance = [](std::uint64_t a, std::uint64_t b) { return a > b ? a - b : b - a; };
    if (q.lines_limited && distance(primary.line, other.line) > q.within_lines) return false;
    if (q.columns_limited && distance(primary.column, other.column) > q.within_columns) return false;
    return true;
}

void CompositeRules::apply(std::vector<Finding>& out, std::size_t first, bool keep_skip_report) const {
    if (empty() || first >= out.size()) return;
    std::vector<bool> drop(out.size() - first, false);
    if (any_required_) {
        for (std::size_t i = first; i < out.size(); ++i) {
            const Composite* c = composite_of(out[i].rule_id);
            if (!c) continue;
            std::vector<RequiredFinding> found;
            bool all = true;
            for (const Requirement& q : c->required) {
                // The nearest finding of the required rule in the same file (an archive member is its own file).
                const Finding* best = nullptr;
                for (std::size_t j = first; j < out.size(); ++j) {
                    const Finding& g = out[j];
                    if (j == i || g.rule_id != q.id || g.path != out[i].path || !close_enough(out[i], g, q)) continue;
                    if (!best || std::max(g.line, out[i].line) - std::min(g.line, out[i].line) <
                                     std::max(best->line, out[i].line) - std::min(best->line, out[i].line))
                        best = &g;
                }
                if (!best) {
                    all = false;
                    break;
                }
                found.push_back({best->rule_id, best->secret, best->line, best->column});
            }
            if (all) out[i].required = std::move(found);
            else drop[i - first] = true;
        }
    }
    if (!keep_skip_report)
        for (std::size_t i = first; i < out.size(); ++i)
            if (std::find(skip_report_ids_.begin(), skip_report_ids_.end(), out[i].rule_id) != skip_report_ids_.end()) drop[i - first] = true;
    std::size_t kept = first;
    for (std::size_t i = first; i < out.size(); ++i)
        if (!drop[i - first]) {
            if (kept != i) out[kept] = std::move(out[i]);
            ++kept;
        }
    out.resize(kept);
}

}  // namespace keyfence::confirm
