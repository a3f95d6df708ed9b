#pragma once
// A loose object file ("<type> <size>\0<body>", zlib-deflated), read and checked by keyfence itself.
// libgit2 1.5.1 loops forever on a truncated loose object and writes past its buffer when the header
// understates the size; every loose object libgit2 sees comes through here first (see checked_odb).
#include <git2.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace keyfence::source {

enum class LooseDamage {
    kNone,
    kBadZlib,       // not a zlib stream, or a corrupt one
    kTruncated,     // the stream ends before its end marker
    kBadHeader,     // no "<type> <size>\0" at the start
    kSizeMismatch,  // the body is longer or shorter than the header says
};

struct LooseObject {
    LooseDamage damage = LooseDamage::kNone;
    git_object_t type = GIT_OBJECT_INVALID;
    std::uint64_t declared_size = 0;
    std::string body;               // what inflated after the header (up to the limit), damaged or not
    std::uint64_t trailing = 0;     // bytes after the end of the zlib stream (git fsck calls it garbage)
    bool body_limited = false;      // inflation stopped at the limit, not at the stream's end
    std::string describe() const;   // one phrase: "truncated after 12 bytes of its body", ...
};

// Inflates and checks a whole loose object file. Stops as soon as the body outgrows its header's size,
// so a lying header costs no more memory than an honest one.
LooseObject read_loose(std::string_view file);

// Inflates as much of a damaged file as can be inflated, up to `limit` bytes of body, whatever the
// header says: what is left of a damaged blob, to scan.
LooseObject salvage_loose(std::string_view file, std::uint64_t limit);

// Only the header, inflating as little as needed (for read_header calls).
LooseObject inflate_loose_header(std::string_view file);

}  // namespace keyfence::source
