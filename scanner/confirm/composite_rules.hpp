#pragma once
// Composite rules, as gitleaks 8.28+ defines them: a rule with [[rules.required]] entries reports a finding
// only when, in the same file, each required rule has a finding of its own within the given distance
// (withinLines: lines above or below; withinColumns: columns between the two starts; both limits when both
// are given; anywhere in the file when neither is). The required findings are attached to the one
// reported. A rule with skipReport = true is never reported itself; it exists to be required.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/finding.hpp"
#include "rules/rule_set.hpp"

namespace keyfence::confirm {

class CompositeRules {
public:
    // Throws keyfence::Error when a rule requires an id no rule has.
    explicit CompositeRules(const rules::RuleSet& rules);

    // Applies the requirements to out[first..] (one input's findings, an archive's members included) and
    // drops skipReport findings unless keep_skip_report (rules check tests each rule on its own).
    void apply(std::vector<Finding>& out, std::size_t first, bool keep_skip_report) const;

    bool empty() const { return !any_required_ && skip_report_ids_.empty(); }

private:
    struct Requirement {
        std::string id;
        std::uint64_t within_lines = 0, within_columns = 0;
        bool lines_limited = false, columns_limited = false;
    };
    struct Composite {
        std::string id;
        std::vector<Requirement> required;
    };
    const Composite* composite_of(const std::string& rule_id) const;
    static bool close_enough(const Finding& primary, const Finding& other, const Requirement& q);

    std::vector<Composite> composites_;  // only the rules with requirements
    std::vector<std::string> skip_report_ids_;
    bool any_required_ = false;
};

}  // namespace keyfence::confirm
