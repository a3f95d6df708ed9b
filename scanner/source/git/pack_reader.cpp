#include "source/git/pack_reader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <vector>

#include "source/git/checked_odb.hpp"

namespace keyfence::source {
namespace {

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
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < static_cast<off_t>(kPackHeaderBytes + 20)) {
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

// The entry at offset, with a delta's base as an offset in this pack.
std::optional<Entry> parse_entry(const unsigned char* pack, std::uint64_t pack_size, const PackChains& index, std::uint64_t at) {
    if (at < kPackHeaderBytes || at >= pack_size) return std::nullopt;
    const std::optional<PackEntryHeader> h = parse_pack_entry_header(pack + at, static_cast<std::size_t>(std::min<std::uint64_t>(pack_size - at, 64)));
    if (!h) return std::nullopt;
    Entry e{at, h->type, h->size, at + h->length, 0};
    if (e.type == GIT_OBJECT_OFS_DELTA) {
        if (!h->base_read || h->back == 0 || h->back > at - kPackHeaderBytes) return std::nullopt;
        e.base = at - h->back;
    } else if (e.type == GIT_OBJECT_REF_DELTA) {
        const std::optional<std::uint64_t> base = h->base_read ? index.offset_of(h->base_id) : std::nullopt;
        if (!base) return std::nullopt;  // in another pack or loose: libgit2 finds it
        e.base = *base;
    } else if (e.type < GIT_OBJECT_COMMIT || e.type > GIT_OBJECT_TAG) {
        return std::nullopt;
    }
    if (e.size / kMaxInflateRatio > pack_size - e.data_at) return std::nullopt;  // a size no stream here can inflate to
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
        if (deltas.size() > kMaxDeltaChain) return std::nullopt;
        const std::optional<Entry> e = parse_entry(pack_, size_, *index_, at);
        if (!e) return std::nullopt;
        if (e->type == GIT_OBJECT_OFS_DELTA || e->type == GIT_OBJECT_REF_DELTA) {
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

std::vector<std::unique_ptr<PackReader>> open_pack_readers(const std::string& objects_dir) {
    std::vector<std::unique_ptr<PackReader>> out;
    for (const std::string& dir : object_dirs(objects_dir))
        for (auto& index : open_pack_chains(dir))
            if (auto reader = PackReader::open(std::move(index))) out.push_back(std::move(reader));
    return out;
}

}  // namespace keyfence::source
