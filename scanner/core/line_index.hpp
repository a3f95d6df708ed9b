#pragma once
// LineIndex maps byte offsets of one input to 1-based line and column. Built lazily, only for inputs that
// produced a finding, so clean inputs never pay for it.
#include <cstddef>
#include <string_view>
#include <vector>

namespace keyfence {

struct LineCol {
    std::size_t line = 1;    // 1-based
    std::size_t column = 1;  // 1-based, in bytes
};

class LineIndex {
public:
    explicit LineIndex(std::string_view content);
    LineCol locate(std::size_t offset) const;
    // The whole line holding offset, without its terminator ("\n" or "\r\n").
    std::string_view line_at(std::size_t offset) const;

private:
    std::string_view content_;
    std::vector<std::size_t> line_starts_;
};

}  // namespace keyfence
