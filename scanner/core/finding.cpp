#include "core/finding.hpp"

#include <tuple>

namespace keyfence {

bool finding_less(const Finding& a, const Finding& b) {
    return std::tie(a.repository, a.path, a.offset, a.rule_id, a.secret) < std::tie(b.repository, b.path, b.offset, b.rule_id, b.secret);
}

}  // namespace keyfence
