#pragma once
// .keyfenceignore: one fingerprint per line (or "fingerprint:path" for one file only), '#' comments.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"

namespace keyfence::report {

class IgnoreList {
public:
    static IgnoreList parse(std::string_view text);
    // A missing file is an empty list.
    static IgnoreList load(const std::filesystem::path& file);

    bool ignores(const Finding& f) const;
    std::size_t size() const { return entries_.size(); }
    const std::vector<std::string>& entries() const { return entries_; }
    // Entries here that `base` does not have, in file order (what a range's .keyfenceignore adds).
    std::vector<std::string> added_since(const IgnoreList& base) const;

private:
    std::vector<std::string> entries_;
};

}  // namespace keyfence::report
