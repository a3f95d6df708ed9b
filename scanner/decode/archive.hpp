#pragma once
// Archives committed to a repository (zip, tar, gzip/bzip2/xz, and tars inside them) are opened with
// libarchive and every member is scanned as its own input, named "outer!member". Bounded: nesting depth,
// member count, and total bytes expanded per archive (so a zip bomb costs a bounded amount of work).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace keyfence::decode {

struct ArchiveLimits {
    unsigned max_depth = 3;                          // archive inside archive inside archive
    std::uint64_t max_member_size = 100ull << 20;    // larger members are skipped with a note
    std::uint64_t max_total_size = 1ull << 30;       // per outermost archive, all members together
    std::uint32_t max_members = 100000;
};

// True when content starts like an archive or compressed stream keyfence can open.
bool looks_like_archive(std::string_view content);

// Calls member(name, data) for each regular-file member. Problems (corrupt data, limits reached) are
// appended to notes; expansion stops at the first fatal one. `budget` is the expansion allowance left for
// the outermost archive and is decreased by what this call expands.
void for_each_member(std::string_view content, const std::string& outer_name, const ArchiveLimits& limits, std::uint64_t& budget,
                     const std::function<void(const std::string& name, std::string_view data)>& member,
                     std::vector<std::string>& notes);

}  // namespace keyfence::decode
