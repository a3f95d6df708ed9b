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
// process (each worker thread opens its own), so each chain is checked once.
std::vector<std::shared_ptr<const PackChains>> open_pack_chains(const std::string& objects_dir);

}  // namespace keyfence::source
