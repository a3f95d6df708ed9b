#pragma once
// What a commit adds to its first parent's tree, compared by hand. Trees are read raw from the object
// database, parsed in place and merge-walked in git's tree order; a subtree with the same id on both
// sides is never opened. The result is what git_diff_tree_to_tree gives for the same pair (every entry
// that is not deleted: added, modified, mode or type changed; full paths, in path order) without
// building a diff: libgit2's diff spent most of a history walk allocating paths and iterator frames.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/git_handles.hpp"
#include "source/git/pack_reader.hpp"

namespace keyfence::source {

struct AddedEntry {
    git_oid id;
    std::string path;
    bool gitlink = false;  // a submodule pointer (a commit id, not a blob)
};

class TreeDiffer {
public:
    // odb and packs must outlive the differ. A tree in one of packs is read there (libgit2 re-applies a
    // tree's whole delta chain on every read); any other, or one a pack reader gives up on, through odb.
    // Parsed trees are kept, up to about cache_bytes, for the next comparison: a commit's tree is usually
    // the next commit's parent tree.
    using Packs = std::vector<std::unique_ptr<PackReader>>;
    explicit TreeDiffer(git_odb* odb, const Packs* packs = nullptr, std::size_t cache_bytes = 24u << 20);

    // Appends every blob and gitlink of new_tree that old_tree (nullptr: an empty tree) does not hold
    // at the same path with the same id and mode. Throws keyfence::Error when a tree either side needs
    // cannot be read or is malformed, deleted subtrees included (as libgit2's diff, which lists them).
    void diff(const git_oid* old_tree, const git_oid& new_tree, std::vector<AddedEntry>& out);

private:
    struct Entry {
        const char* name;
        std::uint16_t name_len;
        std::uint32_t mode;
        const unsigned char* id;  // 20 raw bytes inside the tree's data
    };
    struct Tree {
        PackReader::Data data;
        std::vector<Entry> entries;
    };
    using TreePtr = std::shared_ptr<const Tree>;

    TreePtr read(const unsigned char* raw_id);
    PackReader::Data read_bytes(const git_oid& id);
    void compare(const Tree* old_tree, const Tree& new_tree, std::string& prefix, int depth, std::vector<AddedEntry>& out);
    void read_deleted(const Tree& tree, int depth);

    git_odb* odb_;
    const Packs* packs_;
    std::size_t budget_;
    // Two generations: when the young one outgrows half the budget, the old one is dropped and the young
    // one takes its place; a hit in the old generation moves the tree back into the young one.
    std::unordered_map<git_oid, TreePtr, OidHash, OidEq> young_, old_;
    std::size_t young_bytes_ = 0;
};

}  // namespace keyfence::source
