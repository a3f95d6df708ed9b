#pragma once
// Delta chains of a pack, checked before libgit2 follows them. libgit2 1.5.1 follows a REF_DELTA whose
// base is the object itself (or a cycle of them) forever, growing its chain without bound (found by
// fuzz_git_objects). PackChains reads a pack's .idx (version 2) and the entry headers of its .pack,
// and says whether an object's chain ends in a base object inside the pack.
#include <git2.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace keyfence::source {

// Facts of the pack format both PackChains and PackReader rely on.
inline constexpr std::uint64_t kPackHeaderBytes = 12;
inline constexpr std::size_t kMaxDeltaChain = 10000;    // git's own --depth maximum is 4095
inline constexpr std::uint64_t kMaxInflateRatio = 1032;  // deflate cannot expand more than ~1032:1

// An entry header: type and inflated size, then for a delta where its base is.
struct PackEntryHeader {
    int type = 0;            // 1-4: an object; GIT_OBJECT_OFS_DELTA, GIT_OBJECT_REF_DELTA; anything else is invalid
    std::uint64_t size = 0;  // inflated size of the entry's own data (for a delta: of the delta)
    bool base_read = false;  // a delta's base distance or id was there, whole and in range of 64 bits
    std::uint64_t back = 0;  // OFS_DELTA: how far before this entry its base starts
    git_oid base_id{};       // REF_DELTA: its base's id
    std::size_t length = 0;  // bytes of header; the entry's zlib stream follows
};
// The header at the start of the n bytes at p; nullopt when its size field does not end within them.
std::optional<PackEntryHeader> parse_pack_entry_header(const unsigned char* p, std::size_t n);

class PackChains {
public:
    // nullptr when the index is not a readable version 2 index (libgit2 then reports it its own way).
    static std::unique_ptr<PackChains> open(const std::string& idx_path);
    ~PackChains();

    // The entry's offset in the pack, if this pack holds oid.
    std::optional<std::uint64_t> offset_of(const git_oid& oid) const;

    // Empty if the chain from offset ends in a base object within the pack; else why it does not.
    std::string check_chain(std::uint64_t offset) const;

    const std::string& pack_path() const { return pack_path_; }

private:
    PackChains() = default;
    std::optional<std::uint64_t> offset_at(std::uint32_t index) const;

    // The .idx, mapped: the hook looks up a handful of ids, and reading a large index whole (14 MB for
    // curl's) cost it more than the rest of its run.
    const unsigned char* idx_ = nullptr;
    std::size_t idx_size_ = 0;
    int pack_fd_ = -1;
    std::uint64_t pack_size_ = 0;
    std::uint32_t count_ = 0;
    std::string pack_path_, pack_name_;
    mutable std::mutex mutex_;
    mutable std::unordered_set<std::uint64_t> good_;  // offsets whose chain was checked
};

// Every pack of an objects directory (objects/pack/*.idx), shared by every repository handle of the
// process that is open at the same time (each worker thread opens its own), so each chain is checked once.
std::vector<std::shared_ptr<const PackChains>> open_pack_chains(const std::string& objects_dir);

}  // namespace keyfence::source
