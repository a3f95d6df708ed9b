#include "core/line_index.hpp"

#include <algorithm>
#include <cstring>

namespace keyfence {

LineIndex::LineIndex(std::string_view content) : content_(content) {
    line_starts_.push_back(0);
    const char* base = content.data();
    const char* end = base + content.size();
    for (const char* p = base; p < end;) {
        const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
        if (!nl) break;
        p = static_cast<const char*>(nl) + 1;
        line_starts_.push_back(static_cast<std::size_t>(p - base));
    }
}

LineCol LineIndex::locate(std::size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const std::size_t idx = static_cast<std::size_t>(it - line_starts_.begin()) - 1;
    return LineCol{idx + 1, offset - line_starts_[idx] + 1};
}

std::string_view LineIndex::line_at(std::size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const std::size_t start = *(it - 1);
    std::size_t stop = (it == line_starts_.end()) ? content_.size() : *it - 1;  // drop '\n'
    if (stop > start && content_[stop - 1] == '\r') --stop;                     // and '\r' of CRLF
    if (stop < start) stop = start;
    return content_.substr(start, stop - start);
}

}  // namespace keyfence
