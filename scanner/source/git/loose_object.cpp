#include "source/git/loose_object.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace keyfence::source {
namespace {

constexpr std::size_t kMaxHeader = 64;  // "commit 18446744073709551615\0" is 28 bytes

git_object_t type_named(std::string_view name) {
    if (name == "blob") return GIT_OBJECT_BLOB;
    if (name == "tree") return GIT_OBJECT_TREE;
    if (name == "commit") return GIT_OBJECT_COMMIT;
    if (name == "tag") return GIT_OBJECT_TAG;
    return GIT_OBJECT_INVALID;
}

// Parses "<type> <decimal size>\0" at the start of head; returns the header's length, 0 if there is
// none yet (need more bytes), or npos if it is malformed.
std::size_t parse_header(std::string_view head, LooseObject& out) {
    const std::size_t nul = head.find('\0');
    if (nul == std::string_view::npos) return head.size() >= kMaxHeader ? std::string_view::npos : 0;
    const std::string_view header = head.substr(0, nul);
    const std::size_t space = header.find(' ');
    if (space == std::string_view::npos) return std::string_view::npos;
    out.type = type_named(header.substr(0, space));
    const std::string_view digits = header.substr(space + 1);
    if (out.type == GIT_OBJECT_INVALID || digits.empty() || digits.size() > 20 || (digits.size() > 1 && digits[0] == '0'))
        return std::string_view::npos;
    std::uint64_t size = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::string_view::npos;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (size > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return std::string_view::npos;
        size = size * 10 + d;
    }
    out.declared_size = size;
    return nul + 1;
}

enum class Mode { kHeader, kChecked, kSalvage };

// One inflate loop for all three uses. Every input is handed to zlib at once, so Z_BUF_ERROR can only
// mean the input ran out: the stream is truncated (the case libgit2 1.5.1 spins on).
LooseObject inflate_object(std::string_view file, Mode mode, std::uint64_t salvage_limit) {
    LooseObject out;
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK) {
        out.damage = LooseDamage::kBadZlib;
        return out;
    }
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(file.data()));
    zs.avail_in = static_cast<uInt>(std::min<std::size_t>(file.size(), std::numeric_limits<uInt>::max()));
    std::size_t fed = zs.avail_in;

    std::string head;  // inflated bytes until the header is complete
    std::size_t header_len = 0;
    std::uint64_t limit = std::numeric_limits<std::uint64_t>::max();
    char chunk[16384];
    int rc = Z_OK;
    for (;;) {
        if (zs.avail_in == 0 && fed < file.size()) {  // files over 4 GiB: feed the next slice
            const std::size_t more = std::min<std::size_t>(file.size() - fed, std::numeric_limits<uInt>::max());
            zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(file.data() + fed));
            zs.avail_in = static_cast<uInt>(more);
            fed += more;
        }
        zs.next_out = reinterpret_cast<Bytef*>(chunk);
        zs.avail_out = sizeof chunk;
        rc = inflate(&zs, Z_NO_FLUSH);
        std::string_view produced(chunk, sizeof chunk - zs.avail_out);
        if (header_len == 0 && !produced.empty()) {  // still reading the header
            head.append(produced);
            produced = {};
            const std::size_t h = parse_header(head, out);
            if (h == std::string_view::npos) {
                out.damage = LooseDamage::kBadHeader;
                break;
            }
            if (h > 0) {
                header_len = h;
                if (mode == Mode::kHeader) break;
                limit = mode == Mode::kChecked ? out.declared_size + 1 : salvage_limit;
                // deflate expands at most ~1032:1: a lying header cannot make this reserve more.
                out.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>({limit, 64u << 20, file.size() * 1032ull + 64})));
                produced = std::string_view(head).substr(h);
            }
        }
        if (header_len > 0 && !produced.empty()) {
            const std::uint64_t room = limit - std::min<std::uint64_t>(limit, out.body.size());
            out.body.append(produced.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(produced.size(), room))));
        }
        if (header_len > 0 && out.body.size() >= limit && rc != Z_STREAM_END) {
            out.body_limited = true;
            break;
        }
        if (rc == Z_STREAM_END) break;
        if (rc == Z_OK) continue;
        out.damage = rc == Z_BUF_ERROR ? LooseDamage::kTruncated : LooseDamage::kBadZlib;
        break;
    }
    if (rc == Z_STREAM_END) out.trailing = zs.avail_in + (file.size() - fed);
    inflateEnd(&zs);
    if (out.damage != LooseDamage::kNone || mode == Mode::kHeader) {
        if (mode == Mode::kHeader && header_len == 0 && out.damage == LooseDamage::kNone)
            out.damage = rc == Z_STREAM_END || rc == Z_OK ? LooseDamage::kBadHeader : LooseDamage::kTruncated;
        return out;
    }
    if (header_len == 0) {
        out.damage = LooseDamage::kBadHeader;
    } else if (mode == Mode::kChecked && (out.body.size() != out.declared_size || rc != Z_STREAM_END)) {
        out.damage = LooseDamage::kSizeMismatch;
    } else if (mode == Mode::kSalvage && rc == Z_STREAM_END && out.body.size() != out.declared_size) {
        out.damage = LooseDamage::kSizeMismatch;
    }
    return out;
}

}  // namespace

std::string LooseObject::describe() const {
    switch (damage) {
        case LooseDamage::kNone:
            return trailing ? fmt::format("{} byte{} after the end of its zlib stream", trailing, trailing == 1 ? "" : "s") : "intact";
        case LooseDamage::kBadZlib: return "not a valid zlib stream";
        case LooseDamage::kTruncated: return fmt::format("truncated: its zlib stream ends after {} bytes of content", body.size());
        case LooseDamage::kBadHeader: return "no valid \"<type> <size>\" header";
        case LooseDamage::kSizeMismatch:
            return body_limited || body.size() > declared_size
                       ? fmt::format("its header says {} bytes but the content is longer", declared_size)
                       : fmt::format("its header says {} bytes but the content is {} bytes", declared_size, body.size());
    }
    return "damaged";
}

LooseObject read_loose(std::string_view file) { return inflate_object(file, Mode::kChecked, 0); }

LooseObject salvage_loose(std::string_view file, std::uint64_t limit) { return inflate_object(file, Mode::kSalvage, limit); }

LooseObject inflate_loose_header(std::string_view file) { return inflate_object(file, Mode::kHeader, 0); }

}  // namespace keyfence::source
