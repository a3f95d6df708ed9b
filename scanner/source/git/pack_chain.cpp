#include "source/git/pack_chain.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>


namespace keyfence::source {
namespace {

std::uint32_t be32(const unsigned char* p) { return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3]; }

}  // namespace

std::optional<PackEntryHeader> parse_pack_entry_header(const unsigned char* p, std::size_t n) {
    if (n == 0) return std::nullopt;
    PackEntryHeader h;
    std::size_t i = 0;
    unsigned char c = p[i++];
    h.type = (c >> 4) & 7;
    h.size = c & 15u;
    for (unsigned shift = 4; c & 0x80; shift += 7) {
        if (i >= n || shift > 57) return std::nullopt;
        c = p[i++];
        h.size |= std::uint64_t{c & 0x7fu} << shift;
    }
    if (h.type == GIT_OBJECT_OFS_DELTA && i < n) {
        c = p[i++];
        h.back = c & 127;
        h.base_read = true;
        while (c & 128) {
            if (i >= n || (h.back >> 55)) {
                h.base_read = false;
                break;
            }
            c = p[i++];
            h.back = ((h.back + 1) << 7) | (c & 127);
        }
    } else if (h.type == GIT_OBJECT_REF_DELTA && n - i >= GIT_OID_RAWSZ) {
        std::memcpy(h.base_id.id, p + i, GIT_OID_RAWSZ);
        i += GIT_OID_RAWSZ;
        h.base_read = true;
    }
    h.length = i;
    return h;
}

std::unique_ptr<PackChains> PackChains::open(const std::string& idx_path) {
    std::unique_ptr<PackChains> p(new PackChains());
    const int fd = ::open(idx_path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st {};
    if (fd < 0) return nullptr;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 8 + 1024 + 40) {
        ::close(fd);
        return nullptr;
    }
    void* map = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) return nullptr;
    p->idx_ = static_cast<const unsigned char*>(map);
    p->idx_size_ = static_cast<std::size_t>(st.st_size);
    // Version 2: magic, version, 256 fan-out words, then ids, CRCs, offsets, 64-bit offsets, 2 checksums.
    if (std::memcmp(p->idx_, "\377tOc", 4) != 0 || be32(p->idx_ + 4) != 2) return nullptr;
    p->count_ = be32(p->idx_ + 8 + 255 * 4);
    if (p->idx_size_ < 8 + 1024 + std::uint64_t{p->count_} * 28 + 40) return nullptr;
    const std::string pack = idx_path.substr(0, idx_path.size() - 4) + ".pack";
    p->pack_fd_ = ::open(pack.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (p->pack_fd_ < 0 || ::fstat(p->pack_fd_, &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
    p->pack_size_ = static_cast<std::uint64_t>(st.st_size);
    p->pack_path_ = pack;
    p->pack_name_ = std::filesystem::path(pack).filename().string();
    return p;
}

PackChains::~PackChains() {
    if (pack_fd_ >= 0) ::close(pack_fd_);
    if (idx_) ::munmap(const_cast<unsigned char*>(idx_), idx_size_);
}

std::optional<std::uint64_t> PackChains::offset_at(std::uint32_t i) const {
    const unsigned char* data = idx_;
    const unsigned char* offsets = data + 8 + 1024 + std::uint64_t{count_} * 24;
    const std::uint32_t off = be32(offsets + std::uint64_t{i} * 4);
    if (!(off & 0x80000000u)) return off;
    const std::uint64_t large = std::uint64_t{count_} * 4 + std::uint64_t{off & 0x7fffffffu} * 8;
    if (8 + 1024 + std::uint64_t{count_} * 24 + large + 8 > idx_size_ - 40) return std::nullopt;
    return std::uint64_t{be32(offsets + large)} << 32 | be32(offsets + large + 4);
}

std::optional<std::uint64_t> PackChains::offset_of(const git_oid& oid) const {
    const unsigned char* data = idx_;
    const unsigned char* fan = data + 8;
    std::uint32_t lo = oid.id[0] ? be32(fan + (oid.id[0] - 1) * 4) : 0, hi = be32(fan + oid.id[0] * 4);
    hi = std::min(hi, count_);
    const unsigned char* ids = data + 8 + 1024;
    while (lo < hi) {
        const std::uint32_t mid = lo + (hi - lo) / 2;
        const int c = std::memcmp(ids + std::uint64_t{mid} * 20, oid.id, 20);
        if (c == 0) return offset_at(mid);
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return std::nullopt;
}

std::string PackChains::check_chain(std::uint64_t offset) const {
    std::vector<std::uint64_t> chain;
    for (std::uint64_t at = offset;;) {
        {
            std::lock_guard lock(mutex_);
            if (good_.count(at)) break;
        }
        if (std::find(chain.begin(), chain.end(), at) != chain.end())
            return fmt::format("damaged pack {}: the delta chain of the entry at offset {} loops back to offset {}", pack_name_, offset, at);
        if (chain.size() >= kMaxDeltaChain)
            return fmt::format("damaged pack {}: the delta chain at offset {} is over {} deep", pack_name_, offset, kMaxDeltaChain);
        chain.push_back(at);
        // An entry header: type and size (a few bytes), then a base offset or id for a delta.
        unsigned char bytes[32] = {};
        if (at < kPackHeaderBytes || at >= pack_size_) break;  // libgit2 reports a bad offset itself
        const ssize_t n = ::pread(pack_fd_, bytes, sizeof bytes, static_cast<off_t>(at));
        if (n <= 0) break;
        const std::optional<PackEntryHeader> h = parse_pack_entry_header(bytes, static_cast<std::size_t>(n));
        if (!h) break;
        // libgit2 allocates the size an entry claims before inflating it; deflate cannot expand more
        // than ~1032:1, so a claim beyond what the rest of the pack could inflate to is a lie.
        if (h->size / kMaxInflateRatio > pack_size_ - at)
            return fmt::format("damaged pack {}: the entry at offset {} claims {} bytes, more than the rest of the pack can hold", pack_name_, at, h->size);
        if (h->type == GIT_OBJECT_OFS_DELTA) {
            if (!h->base_read || h->back == 0 || h->back > at - kPackHeaderBytes) break;  // libgit2 refuses it itself
            at -= h->back;
        } else if (h->type == GIT_OBJECT_REF_DELTA) {
            if (!h->base_read) break;
            const std::optional<std::uint64_t> next = offset_of(h->base_id);
            if (!next) break;  // not in this pack: libgit2 does not follow it
            at = *next;
        } else {
            if (chain.size() == 1) return {};  // not a delta at all: nothing to remember
            break;                             // a base object (or an invalid type, which libgit2 refuses)
        }
    }
    std::lock_guard lock(mutex_);
    good_.insert(chain.begin(), chain.end());
    return {};
}

std::vector<std::shared_ptr<const PackChains>> open_pack_chains(const std::string& objects_dir) {
    // Weak: a pack stays shared while some handle uses it, and is closed with the last one. A process that
    // opens many repositories (or one pack rewritten many times) would otherwise keep every pack it ever
    // saw mapped and open: the git-objects fuzzer ran out of memory that way after 67,000 inputs.
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<const PackChains>> opened;  // by .idx path and identity
    std::vector<std::shared_ptr<const PackChains>> out;
    std::error_code ec;
    std::lock_guard lock(mutex);
    std::erase_if(opened, [](const auto& kv) { return kv.second.expired(); });
    for (const auto& e : std::filesystem::directory_iterator(objects_dir + "/pack", ec)) {
        if (e.path().extension() != ".idx") continue;
        const std::string idx = std::filesystem::weakly_canonical(e.path(), ec).string();
        // Keyed by the file's identity too: a pack rewritten under the same name is a different pack.
        struct stat st {};
        if (::stat(idx.c_str(), &st) != 0) continue;
        const std::string key = fmt::format("{}|{}|{}|{}.{}", idx, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        std::shared_ptr<const PackChains> chains = opened[key].lock();
        if (!chains) {
            chains = PackChains::open(idx);
            if (!chains) continue;  // not a pack index keyfence can read: libgit2 decides what it is
            opened[key] = chains;
        }
        out.push_back(std::move(chains));
    }
    return out;
}

}  // namespace keyfence::source
