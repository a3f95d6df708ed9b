#pragma once
// Confirmer: turns raw matches into findings. Each candidate cluster is searched with the rule's RE2 on a
// bounded window around it (never the whole input) to get the exact span and secret group; then the
// rule's entropy floor, checksum, stopwords, allowlists and inline allow comments decide.
#include <memory>
#include <re2/re2.h>
#include <vector>

#include "core/finding.hpp"
#include "core/input.hpp"
#include "match/matcher.hpp"
#include "rules/rule_set.hpp"

namespace keyfence::confirm {

// Counts of candidates dropped on purpose, for the summary.
struct SuppressionCounts {
    std::uint64_t inline_allow = 0;  // keyfence:allow and friends on the line
    std::uint64_t allowlist = 0;     // rule or global allowlists, stopwords
    std::uint64_t checksum = 0;      // failed an offline checksum
    std::uint64_t entropy = 0;       // below the rule's entropy floor
    std::uint64_t placeholder = 0;   // a made-up value (see checks/placeholder.hpp)
    std::uint64_t ignore_file = 0;   // fingerprint listed in .keyfenceignore
    std::uint64_t baseline = 0;      // already in the --baseline file

    SuppressionCounts& operator+=(const SuppressionCounts& o) {
        inline_allow += o.inline_allow;
        allowlist += o.allowlist;
        checksum += o.checksum;
        entropy += o.entropy;
        placeholder += o.placeholder;
        ignore_file += o.ignore_file;
        baseline += o.baseline;
        return *this;
    }
};

class Confirmer {
public:
    // Compiles allowlists and path filters; rule regexes are compiled on first use (prepare_all() forces
    // that). Throws keyfence::Error naming the rule on a bad regex.
    Confirmer(const rules::RuleSet& rules, const match::CompiledRules& compiled);
    ~Confirmer();
    // See scan::Engine::keep_duplicate_findings.
    void keep_duplicate_findings() { keep_duplicates_ = true; }

    // Compiles every rule regex now, so a bad one is reported before any scan.
    void prepare_all() const;

    // Appends the findings of `in` (whose raw matches `m` holds) to out.
    void confirm(const Input& in, const match::Matcher& m, std::vector<Finding>& out, SuppressionCounts& counts) const;

    // Markers that, on a secret's line, silence it (gitleaks and detect-secrets spellings, for migrating teams).
    static constexpr std::string_view kInlineAllowMarkers[] = {"keyfence:allow", "gitleaks:allow", "pragma: allowlist secret"};

private:
    struct CompiledAllowlist;
    struct InputFacts;
    static CompiledAllowlist compile_allowlist(const rules::Allowlist& a, const std::string& what);
    struct CompiledRule;
    struct Window {
        std::uint32_t rule;
        std::uint64_t begin, end;
    };

    bool rule_applies(std::uint32_t rule, const Input& in) const;
    struct SecretSpan {
        std::uint64_t begin, end;  // byte offsets of a candidate secret in the input
    };
    void drop_generic_duplicates(std::vector<Finding>& out, std::size_t first_new, const std::vector<SecretSpan>& judged_by_provider) const;
    static std::string_view line_around(std::string_view text, std::size_t pos, std::unique_ptr<InputFacts>& facts);
    bool keywords_present(std::uint32_t rule, std::string_view match, std::string_view content, std::vector<std::int8_t>& in_input) const;
    void search_window(const Input& in, const Window& w, std::vector<Finding>& out, std::uint64_t& next_start,
                       std::unique_ptr<InputFacts>& facts, std::vector<std::int8_t>& keyword_in_input,
                       std::vector<SecretSpan>& judged_by_provider, SuppressionCounts& counts) const;
    bool allowed(const CompiledAllowlist& a, const Input& in, std::string_view secret, std::string_view match,
                 std::string_view line) const;

    const rules::RuleSet& rules_;
    const match::CompiledRules& compiled_;
    std::vector<std::unique_ptr<CompiledRule>> compiled_rules_;
    std::vector<CompiledAllowlist> global_allowlists_;
    bool keep_duplicates_ = false;  // one key, one finding unless asked (drop_generic_duplicates)
};

// Stable fingerprint of a finding: survives edits elsewhere in the file, rebases and moves.
std::string fingerprint_of(std::string_view rule_id, std::string_view secret);
// A rule tagged "generic" judges a key by where it stands (a name, a header, a manifest), not by its shape.
bool is_generic(const std::vector<std::string>& tags);

}  // namespace keyfence::confirm
