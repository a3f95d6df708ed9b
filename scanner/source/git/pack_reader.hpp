#pragma once
// Blobs read straight from a pack, for the history audit, which reads every blob in pack order. Every
// object resolved is kept (up to a byte budget, shared by all threads) for the deltas that follow it:
// git writes a delta family together, base first, so in pack order a delta's base is almost always
// still kept. libgit2 1.5 keeps only the object at the end of each chain, so reading a chain's blobs one
// by one applied the whole chain again for each (curl's pack has chains 50 deep).
//
// Pack bytes are untrusted: every size, offset and delta instruction is checked. Whatever this reader
// does not handle (a REF_DELTA to another pack, damage, an object over the size limit) is nullopt, and
// the caller reads that object through libgit2 and the checked object database, whose errors and
// notes are then what the user sees.
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "source/git/pack_chain.hpp"

namespace keyfence::source {

// An object's bytes, allocated without being zeroed first (they are written over at once).
struct ObjectBytes {
    explicit ObjectBytes(std::size_t n) : bytes(std::make_unique_for_overwrite<char[]>(n)), size(n) {}
    std::unique_ptr<char[]> bytes;
    std::size_t size;
    char* data() { return bytes.get(); }
    std::string_view view() const { return {bytes.get(), size}; }
};

class PackReader {
public:
    // nullptr when the pack cannot be mapped (libgit2 then reads it its own way).
    static std::unique_ptr<PackReader> open(std::shared_ptr<const PackChains> index, std::size_t cache_bytes = 64u << 20);
    ~PackReader();
    PackReader(const PackReader&) = delete;
    PackReader& operator=(const PackReader&) = delete;

    using Data = std::shared_ptr<const ObjectBytes>;
    // The object whose entry starts at offset, if it is of that type (GIT_OBJECT_BLOB, _TREE), can be read
    // here and is at most max_size bytes.
    Data read(std::uint64_t offset, int type, std::uint64_t max_size) const;
    std::optional<std::uint64_t> offset_of(const git_oid& id) const { return index_->offset_of(id); }

private:
    PackReader() = default;
    struct Resolved {
        Data data;
        int type = 0;
    };
    std::optional<Resolved> resolve(std::uint64_t offset, std::uint64_t max_size) const;
    Data cached(std::uint64_t offset, int& type) const;
    void keep(std::uint64_t offset, const Data& data, int type) const;

    std::shared_ptr<const PackChains> index_;
    const unsigned char* pack_ = nullptr;
    std::uint64_t size_ = 0;
    std::size_t budget_ = 0;

    // LRU of resolved objects by offset.
    struct Kept {
        std::uint64_t offset;
        Data data;
        int type;
    };
    mutable std::mutex mutex_;
    mutable std::list<Kept> lru_;  // most recent first
    mutable std::unordered_map<std::uint64_t, std::list<Kept>::iterator> by_offset_;
    mutable std::size_t kept_bytes_ = 0;
};

// A reader for every pack of an objects directory and of its alternates; a pack that cannot be mapped
// has none (libgit2 reads it).
std::vector<std::unique_ptr<PackReader>> open_pack_readers(const std::string& objects_dir);

}  // namespace keyfence::source
