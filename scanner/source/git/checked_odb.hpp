#pragma once
// The object database every repository keyfence opens reads through (open_repository installs it):
// libgit2's pack backend for packed objects, and keyfence's own backend for loose objects, which
// checks each one (read_loose) before libgit2 parses or diffs it. A damaged loose object is then a
// read error naming the object and its file, never a hang or a heap overflow inside libgit2.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/git_handles.hpp"
#include "source/git/loose_object.hpp"

namespace keyfence::source {

struct ObjectNote {
    std::string oid;
    std::string message;  // "damaged loose object .git/objects/ab/cdef…: truncated: …"
};

// Gives an open repository keyfence's object database: for its object directory and each alternate,
// libgit2's pack backend behind keyfence's guard and keyfence's own loose backend (open_repository
// calls it for every repository keyfence opens).
void install_checked_odb(git_repository* repo);

// An objects directory and, recursively, its alternates, each once, its own first.
std::vector<std::string> object_dirs(const std::string& objects_dir);

// Loose objects met so far in this process that were read but are not quite right (bytes after the
// zlib stream), each once. Damaged objects are not here: reading them fails, and that error names them.
std::vector<ObjectNote> suspect_object_notes();

// True if `oid` was met damaged (not merely with trailing bytes).
bool is_damaged(const git_oid& oid);

// What can still be inflated of oid's loose file (in the repository at git_dir or its alternates),
// up to limit bytes; nullopt when there is no loose file for it.
std::optional<LooseObject> salvage_loose_object(const std::string& git_dir, const git_oid& oid, std::uint64_t limit);

}  // namespace keyfence::source
