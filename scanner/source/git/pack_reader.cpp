#include "source/git/pack_reader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <vector>

namespace keyfence::source {
namespace {

constexpr std::uint64_t kPackHeader = 12;
constexpr std::size_t kMaxChain = 10000;        // as pack_chain: git's own --depth maximum is 4095
constexpr std::uint64_t kMaxInflateRatio = 1032;  // deflate cannot expand more than ~1032:1
constexpr int kOfsDelta = 6, kRefDelta = 7;

struct Entry {
    std::uint64_t offset;
    int type;
    std::uint64_t size;     // inflated size of this entry's data (for a delta: of the delta itself)
    std::uint64_t data_at;  // where its zlib stream starts
    std::uint64_t base;     // a delta's base entry
};

}  // namespace

std::unique_ptr<PackReader> PackReader::open(std::shared_ptr<const PackChains> index, std::size_t cache_bytes) {
    if (!index) return nullptr;
    const int fd = ::open(index->pack_path().c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return nullptr;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < static_cast<off_t>(kPackHeader + 20)) {
        ::close(fd);
        return nullptr;
    }
    void* map = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) return nullptr;
    std::unique_ptr<PackReader> r(new PackReader());
    r->index_ = std::move(index);
    r->pack_ = static_cast<const unsigned char*>(map);
    r->size_ = static_cast<std::uint64_t>(st.st_size);
    r->budget_ = cache_bytes;
    if (std::memcmp(r->pack_, "PACK", 4) != 0) return nullptr;
    return r;
}

PackReader::~PackReader() {
    if (pack_) ::munmap(const_cast<unsigned char*>(pack_), size_);
}

PackReader::Data PackReader::cached(std::uint64_t offset, int& type) const {
    std::lock_guard lock(mutex_);
    const auto it = by_offset_.find(offset);
    if (it == by_offset_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    type = it->second->type;
    return it->second->data;
}

void PackReader::keep(std::uint64_t offset, const Data& data, int type) const {
    if (data->size > budget_ / 8) return;  // one huge object would flush every base
    std::lock_guard lock(mutex_);
    if (by_offset_.count(offset)) return;  // the other thread resolved it too
    lru_.push_front({offset, data, type});
    by_offset_[offset] = lru_.begin();
    kept_bytes_ += data->size + 64;
    while (kept_bytes_ > budget_ && !lru_.empty()) {
        kept_bytes_ -= lru_.back().data->size + 64;
        by_offset_.erase(lru_.back().offset);
        lru_.pop_back();
    }
}

namespace {

// The entry header at offset: type and size, then a delta's base (a backwards distance or an id).
std::optional<Entry> parse_entry(const unsigned char* pack, std::uint64_t pack_size, const PackChains& index, std::uint64_t at) {
    if (at < kPackHeader || at >= pack_size) return std::nullopt;
    std::uint64_t i = at;
    unsigned char c = pack[i++];
    Entry e{at, (c >> 4) & 7, c & 15u, 0, 0};
    for (unsigned shift = 4; c & 0x80; shift += 7) {
        if (i >= pack_size || shift > 57) return std::nullopt;
        c = pack[i++];
        e.size |= std::uint64_t{c & 0x7fu} << shift;
    }
    if (e.type == kOfsDelta) {
        if (i >= pack_size) return std::nullopt;
        c = pack[i++];
        std::uint64_t back = c & 127;
        while (c & 128) {
            if (i >= pack_size || (back >> 55)) return std::nullopt;
            c = pack[i++];
            back = ((back + 1) << 7) | (c & 127);
        }
        if (back == 0 || back > at - kPackHeader) return std::nullopt;
        e.base = at - back;
    } else if (e.type == kRefDelta) {
        if (pack_size - i < GIT_OID_RAWSZ) return std::nullopt;
        git_oid id;
        std::memcpy(id.id, pack + i, GIT_OID_RAWSZ);
        i += GIT_OID_RAWSZ;
        const std::optional<std::uint64_t> base = index.offset_of(id);
        if (!base) return std::nullopt;  // in another pack or loose: libgit2 finds it
        e.base = *base;
    } else if (e.type < GIT_OBJECT_COMMIT || e.type > GIT_OBJECT_TAG) {
        return std::nullopt;
    }
    if (e.size / kMaxInflateRatio > pack_size - i) return std::nullopt;  // a size no stream here can inflate to
    e.data_at = i;
    return e;
}

// Exactly `size` bytes from the zlib stream at data_at, or nullptr.
std::shared_ptr<ObjectBytes> inflate_entry(const unsigned char* pack, std::uint64_t pack_size, const Entry& e) {
    auto out = std::make_shared<ObjectBytes>(e.size);
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK) return nullptr;
    zs.next_in = const_cast<Bytef*>(pack + e.data_at);
    zs.avail_in = static_cast<uInt>(std::min<std::uint64_t>(pack_size - e.data_at, UINT32_MAX));
    zs.next_out = reinterpret_cast<Bytef*>(out->data());
    zs.avail_out = static_cast<uInt>(e.size);
    const int rc = inflate(&zs, Z_FINISH);
    const bool whole = rc == Z_STREAM_END && zs.total_out == e.size;
    inflateEnd(&zs);
    return whole ? out : nullptr;
}

std::uint64_t delta_varint(const unsigned char*& p, const unsigned char* end, bool& ok) {
    std::uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (p >= end || shift > 63) {
            ok = false;
            return 0;
        }
        const unsigned char c = *p++;
        v |= std::uint64_t{c & 0x7fu} << shift;
        if (!(c & 0x80)) return v;
    }
}

// git's delta format: source size, result size, then copy (from the base) and insert instructions.
std::shared_ptr<ObjectBytes> apply_delta(const ObjectBytes& base, const ObjectBytes& delta, std::uint64_t max_size) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(delta.bytes.get());
    const unsigned char* end = p + delta.size;
    bool ok = true;
    const std::uint64_t source_size = delta_varint(p, end, ok);
    const std::uint64_t result_size = delta_varint(p, end, ok);
    if (!ok || source_size != base.size || result_size > max_size) return nullptr;
    auto out = std::make_shared<ObjectBytes>(result_size);
    std::uint64_t at = 0;
    while (p < end) {
        const unsigned char op = *p++;
        if (op & 0x80) {
            std::uint64_t from = 0, len = 0;
            for (int k = 0; k < 7; ++k) {
                if (!(op & (1 << k))) continue;
                if (p >= end) return nullptr;
                const std::uint64_t byte = *p++;
                if (k < 4) from |= byte << (8 * k);
                else len |= byte << (8 * (k - 4));
            }
            if (len == 0) len = 0x10000;
            if (from + len > base.size || len > result_size - at) return nullptr;
            std::memcpy(out->data() + at, base.bytes.get() + from, len);
            at += len;
        } else if (op) {
            if (op > end - p || op > result_size - at) return nullptr;
            std::memcpy(out->data() + at, p, op);
            p += op;
            at += op;
        } else {
            return nullptr;  // reserved instruction
        }
    }
    return at == result_size ? out : nullptr;
}

}  // namespace

std::optional<PackReader::Resolved> PackReader::resolve(std::uint64_t offset, std::uint64_t max_size) const {
    std::vector<Entry> deltas;  // from the asked-for entry down towards its base
    Data base;
    int type = 0;
    for (std::uint64_t at = offset;;) {
        if ((base = cached(at, type))) break;
        if (deltas.size() > kMaxChain) return std::nullopt;
        const std::optional<Entry> e = parse_entry(pack_, size_, *index_, at);
        if (!e) return std::nullopt;
        if (e->type == kOfsDelta || e->type == kRefDelta) {
            deltas.push_back(*e);
            at = e->base;
            continue;
        }
        if (e->size > max_size) return std::nullopt;
        base = inflate_entry(pack_, size_, *e);
        if (!base) return std::nullopt;
        type = e->type;
        keep(at, base, type);
        break;
    }
    for (std::size_t i = deltas.size(); i-- > 0;) {
        if (deltas[i].size > max_size + (64u << 20)) return std::nullopt;  // a delta is at most ~its result plus instructions
        const std::shared_ptr<ObjectBytes> delta = inflate_entry(pack_, size_, deltas[i]);
        if (!delta) return std::nullopt;
        Data next = apply_delta(*base, *delta, max_size);
        if (!next) return std::nullopt;
        keep(deltas[i].offset, next, type);
        base = std::move(next);
    }
    return Resolved{std::move(base), type};
}

PackReader::Data PackReader::read(std::uint64_t offset, int type, std::uint64_t max_size) const {
    const std::optional<Resolved> r = resolve(offset, max_size);
    return r && r->type == type ? r->data : nullptr;
}

}  // namespace keyfence::source
