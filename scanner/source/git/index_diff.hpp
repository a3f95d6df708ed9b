#pragma once
// What the next commit adds or changes, from the index file read by hand and HEAD's trees, without
// libgit2's index and diff (at 20,000 files they were two thirds of the hook: parsing every entry into
// the heap, a SHA-1 over the whole file, then a diff iterating both sides). Git's cache-tree extension
// (TREE) records, for each directory the index has not touched since, the tree id its entries make and
// how many entries it covers: a directory whose id equals HEAD's is skipped as a whole, without reading
// its trees. Like git, the trailing checksum is not verified (git checks it only in fsck).
//
// The result equals what StagedSource takes from git_diff_tree_to_index with exact rename detection:
// every staged blob that is added or whose id changed, minus submodule pointers, intent-to-add
// entries, and added files whose content a deleted regular file of HEAD had (a rename without edits).
// Anything it does not handle (versions other than 2 to 4, unmerged entries, a split or sparse index, a
// required extension it does not know, an entry that does not parse, a tree it cannot read) gives
// nullopt, and the caller takes libgit2's way, which reports damage the way it always did.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/git_handles.hpp"

namespace keyfence::source {

struct StagedChange {
    git_oid id;
    std::string path;
    bool added = false;  // no entry at this path in HEAD
};

// head_tree: nullptr on an unborn branch (everything staged is added). A missing index file is an
// empty index, as for git.
std::optional<std::vector<StagedChange>> staged_changes_from_index(git_repository* repo, const git_tree* head_tree,
                                                                   const std::filesystem::path& index_file);

}  // namespace keyfence::source
