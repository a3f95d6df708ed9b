#include "match/matcher.hpp"

#include <algorithm>

namespace keyfence::match {

Matcher::Matcher(const CompiledRules& rules)
    : rules_(rules), open_cluster_(rules.rule_count(), kNone) {
    if (rules.database()) {
        hs_scratch_t* raw = nullptr;
        check_hs(hs_alloc_scratch(rules.database(), &raw), "allocating scratch");
        scratch_.reset(raw);
    }
}

void Matcher::add_hit(std::uint32_t rule, std::uint64_t end) noexcept {
    std::uint32_t& open = open_cluster_[rule];
    if (open != kNone) {
        RawMatch& c = raw_[open];
        const std::uint64_t lo = std::min(c.first_end, end), hi = std::max(c.last_end, end);
        if (end + kMergeGap >= c.first_end && end <= c.last_end + kMergeGap && hi - lo <= kMaxClusterSpan) {
            c.first_end = lo;
            c.last_end = hi;
            return;
        }
    }
    try {
        raw_.push_back(RawMatch{rule, end, end});
        open = static_cast<std::uint32_t>(raw_.size() - 1);
    } catch (...) {
        // Out of memory while recording a hit: keep the clusters we have (the callback must not throw).
    }
}

int Matcher::on_match(unsigned id, unsigned long long /*from*/, unsigned long long to, unsigned /*flags*/, void* ctx) noexcept {
    auto* self = static_cast<Matcher*>(ctx);
    self->add_hit(self->rules_.pattern_rules()[id], self->piece_base_ + to);
    return 0;  // keep scanning
}

void Matcher::scan(std::string_view content) {
    raw_.clear();
    std::fill(open_cluster_.begin(), open_cluster_.end(), kNone);
    if (!rules_.database()) return;
    // hs_scan takes an unsigned int length: scan inputs over 4 GiB in overlapping pieces.
    constexpr std::size_t kPiece = std::size_t{1} << 31;
    const std::size_t overlap = CompiledRules::kUnboundedLookback;
    for (std::size_t start = 0;;) {
        const std::size_t len = std::min(kPiece, content.size() - start);
        piece_base_ = start;
        check_hs(hs_scan(rules_.database(), content.data() + start, static_cast<unsigned>(len), 0, scratch_.get(), on_match, this),
                 "scanning");
        if (start + len >= content.size()) break;
        start += len - overlap;
    }
}

}  // namespace keyfence::match
