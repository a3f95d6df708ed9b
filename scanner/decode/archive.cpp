#include "decode/archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <cstring>
#include <memory>

namespace keyfence::decode {
namespace {

bool compressed_stream(std::string_view c) {
    return c.starts_with("\x1f\x8b") || c.starts_with("BZh") || c.starts_with(std::string_view("\xfd" "7zXZ\0", 6));
}

struct ArchiveDeleter {
    void operator()(archive* a) const noexcept { archive_read_free(a); }
};

// The member name of a compressed single file: "notes.txt.gz" holds "notes.txt".
std::string stripped_name(const std::string& outer) {
    const std::string base = outer.substr(outer.find_last_of("/!") == std::string::npos ? 0 : outer.find_last_of("/!") + 1);
    for (const char* ext : {".gz", ".bz2", ".xz", ".tgz"})
        if (base.size() > std::strlen(ext) && base.compare(base.size() - std::strlen(ext), std::string::npos, ext) == 0)
            return base.substr(0, base.size() - std::strlen(ext)) + (std::strcmp(ext, ".tgz") == 0 ? ".tar" : "");
    return base + ".decompressed";
}

std::string error_of(archive* a) {
    const char* e = archive_error_string(a);
    return e ? e : "unknown error";
}

}  // namespace

bool looks_like_archive(std::string_view c) {
    return c.starts_with("PK\x03\x04") || compressed_stream(c) || (c.size() > 262 && c.substr(257, 5) == "ustar");
}

namespace {

// Reads content as a tar/zip (raw = false) or as one compressed file (raw = true). Returns false, having
// called nothing, when libarchive does not recognise the format.
bool read_members(std::string_view content, bool raw, const std::string& outer_name, const ArchiveLimits& limits, std::uint64_t& budget,
                  const std::function<void(const std::string&, std::string_view)>& member, std::vector<std::string>& notes,
                  std::uint32_t& count) {
    std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
    if (!a) return false;
    archive_read_support_filter_gzip(a.get());
    archive_read_support_filter_bzip2(a.get());
    archive_read_support_filter_xz(a.get());
    if (raw) {
        archive_read_support_format_raw(a.get());
    } else {
        archive_read_support_format_zip(a.get());
        archive_read_support_format_tar(a.get());
        archive_read_support_format_gnutar(a.get());
    }
    archive_entry* entry = nullptr;
    if (archive_read_open_memory(a.get(), content.data(), content.size()) != ARCHIVE_OK) return false;
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_FATAL) return false;  // not this format (or unreadable from the start)
    std::string data;
    for (;; rc = archive_read_next_header(a.get(), &entry)) {
        if (rc == ARCHIVE_EOF) break;
        if (rc < ARCHIVE_WARN) {
            notes.push_back(fmt::format("archive damaged, members after this point not scanned: {}", error_of(a.get())));
            break;
        }
        if (!raw && archive_entry_filetype(entry) != AE_IFREG) continue;
        if (++count > limits.max_members) {
            notes.push_back(fmt::format("more than {} members: the rest are not scanned", limits.max_members));
            break;
        }
        const char* entry_name = archive_entry_pathname(entry);
        const std::string name = raw ? stripped_name(outer_name) : (entry_name ? entry_name : "?");
        data.clear();
        bool usable = true;
        char chunk[1 << 16];
        for (;;) {
            const la_ssize_t n = archive_read_data(a.get(), chunk, sizeof chunk);
            if (n == 0) break;
            if (n < 0) {
                notes.push_back(fmt::format("{}: cannot expand: {}", name, error_of(a.get())));
                usable = false;
                break;
            }
            if (data.size() + static_cast<std::size_t>(n) > limits.max_member_size || static_cast<std::uint64_t>(n) > budget) {
                notes.push_back(fmt::format("{}: expands past the archive limits; skipped", name));
                usable = false;
                break;
            }
            budget -= static_cast<std::uint64_t>(n);
            data.append(chunk, static_cast<std::size_t>(n));
        }
        if (usable) member(name, data);
        if (budget == 0) break;
    }
    return true;
}

}  // namespace

void for_each_member(std::string_view content, const std::string& outer_name, const ArchiveLimits& limits, std::uint64_t& budget,
                     const std::function<void(const std::string&, std::string_view)>& member, std::vector<std::string>& notes) {
    std::uint32_t count = 0;
    // A compressed stream of zeros reads as an empty tar: a tar with no members is tried as a lone file too.
    if (read_members(content, false, outer_name, limits, budget, member, notes, count) && (count > 0 || !compressed_stream(content))) return;
    // A compressed stream that is not a tar: one member, the decompressed file.
    if (compressed_stream(content) && read_members(content, true, outer_name, limits, budget, member, notes, count)) return;
    notes.push_back("looks like an archive but libarchive cannot read it");
}

}  // namespace keyfence::decode
