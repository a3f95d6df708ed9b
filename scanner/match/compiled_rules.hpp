#pragma once
// CompiledRules: every rule of a RuleSet in one Hyperscan block-mode database, so each input is scanned
// in a single pass. Immutable once built; shared read-only by all worker threads.
//
// Each pattern in the database is a rule's regex (exact, or in prefilter mode when Hyperscan cannot
// compile it exactly) or, for a rule Hyperscan cannot compile at all, one of its keywords; either way a
// hit is a candidate for that rule. Keywords of other rules are checked by the confirmer, not here.
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/hs_handles.hpp"
#include "rules/rule_set.hpp"

namespace keyfence::match {

enum class PatternMode : std::uint8_t {
    kExact,      // Hyperscan matches exactly what the regex does
    kPrefilter,  // Hyperscan matches a superset (HS_FLAG_PREFILTER); RE2 decides
    kKeywords,   // Hyperscan can't parse it: its keywords find candidates; RE2 decides
    kEveryInput, // no keywords either: RE2 runs on every input (slow; warned about at load)
    kPathOnly,   // no regex: the rule reports files whose path matches
};

struct RuleMatchInfo {
    PatternMode mode = PatternMode::kExact;
    // How far before a hit's end offset a match can start (Hyperscan's max width, capped); the confirmation
    // window. For kKeywords it is the distance searched on both sides of a keyword hit.
    std::uint32_t lookback = 0;
    std::vector<std::uint32_t> keyword_ids;  // indexes into keywords()
    std::string note;                        // why a fallback mode was chosen
};

// Go/RE2 spellings Hyperscan's PCRE parser does not know ((?P<name>...)), rewritten to equivalents.
std::string to_hyperscan_syntax(const std::string& re);

class CompiledRules {
public:
    // Throws keyfence::Error naming the rule when a regex is invalid for every mode.
    static CompiledRules build(const rules::RuleSet& rules);

    // The compiled form as bytes (Hyperscan's serialized database plus the pattern tables), and back.
    // deserialize returns nullopt on anything malformed; the caller then rebuilds.
    std::string serialize() const;
    static std::optional<CompiledRules> deserialize(std::string_view bytes, std::size_t rule_count);

    const hs_database_t* database() const { return db_.get(); }
    // The rule each Hyperscan pattern id stands for.
    std::span<const std::uint32_t> pattern_rules() const { return pattern_rules_; }
    const RuleMatchInfo& rule_info(std::size_t rule) const { return rule_infos_[rule]; }
    std::size_t rule_count() const { return rule_infos_.size(); }
    std::span<const std::string> keywords() const { return keywords_; }
    // Rules that run on every input (kEveryInput); empty for well-formed rule sets.
    std::span<const std::uint32_t> every_input_rules() const { return every_input_rules_; }
    std::span<const std::uint32_t> path_only_rules() const { return path_only_rules_; }

    // Unbounded regexes (e.g. PEM blocks) are confirmed within this many bytes before their hit.
    static constexpr std::uint32_t kUnboundedLookback = 64 * 1024;
    // Keyword-fallback rules search this far on each side of a keyword hit.
    static constexpr std::uint32_t kKeywordWindow = 4 * 1024;

private:
    HsDatabase db_;
    std::vector<std::uint32_t> pattern_rules_;
    std::vector<RuleMatchInfo> rule_infos_;
    std::vector<std::string> keywords_;
    std::vector<std::uint32_t> every_input_rules_;
    std::vector<std::uint32_t> path_only_rules_;
};

}  // namespace keyfence::match
