#pragma once
// Matcher: one thread's Hyperscan scratch and the raw matches of the last scan. The hot loop is a single
// hs_scan per input; the callback only appends (merging hits of one rule that lie close together, so an
// input with 100,000 hits keeps a handful of candidate clusters).
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "match/compiled_rules.hpp"

namespace keyfence::match {

// Hits of one rule whose end offsets lie in [first_end, last_end].
struct RawMatch {
    std::uint32_t rule;
    std::uint64_t first_end;
    std::uint64_t last_end;
};

class Matcher {
public:
    explicit Matcher(const CompiledRules& rules);

    // Scans content; afterwards raw_matches() describes it.
    void scan(std::string_view content);

    std::span<const RawMatch> raw_matches() const { return raw_; }

    // Hits closer than this to a rule's previous hit join its cluster (one RE2 window instead of many).
    static constexpr std::uint64_t kMergeGap = 4096;
    // A cluster never spans more than this, so confirmation windows stay bounded on pathological input.
    static constexpr std::uint64_t kMaxClusterSpan = 1 << 20;

private:
    static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void* ctx) noexcept;
    void add_hit(std::uint32_t rule, std::uint64_t end) noexcept;

    const CompiledRules& rules_;
    HsScratch scratch_;
    std::vector<RawMatch> raw_;
    std::vector<std::uint32_t> open_cluster_;  // per rule: index into raw_ of its latest cluster, or kNone
    std::uint64_t piece_base_ = 0;  // offset of the piece being scanned within the input
    static constexpr std::uint32_t kNone = UINT32_MAX;
};

}  // namespace keyfence::match
