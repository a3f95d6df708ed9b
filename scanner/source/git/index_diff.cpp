#include "source/git/index_diff.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <unordered_map>

namespace keyfence::source {
namespace {

constexpr std::size_t kOidSize = 20;                     // SHA-1; libgit2 1.5 knows no other
constexpr std::uint32_t kTypeMask = 0170000, kRegular = 0100000, kTree = 0040000, kGitlink = 0160000;
constexpr std::uint16_t kExtended = 0x4000, kStageMask = 0x3000, kNameMask = 0x0fff;
constexpr std::uint16_t kIntentToAdd = 0x2000;           // in the extended flags
constexpr int kMaxDepth = 4096;                          // directory nesting (cache-tree and trees)

struct IndexEntry {
    std::string_view path;
    std::uint32_t mode;
    git_oid id;
    bool intent_to_add;
};

struct CacheTreeNode {
    std::size_t entries;
    git_oid id;
};

std::uint32_t be32(const unsigned char* p) { return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3]; }
std::uint16_t be16(const unsigned char* p) { return std::uint16_t(p[0] << 8 | p[1]); }

// The whole file; nullopt when it cannot be read or is empty (libgit2 then says why), an empty string
// when it does not exist (an empty index).
std::optional<std::string> read_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? std::optional<std::string>(std::string()) : std::nullopt;
    struct stat st {};
    std::optional<std::string> out;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        std::string data(static_cast<std::size_t>(st.st_size), '\0');
        std::size_t done = 0;
        while (done < data.size()) {
            const ssize_t n = ::read(fd, data.data() + done, data.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        if (done == data.size() && !data.empty()) out = std::move(data);
    }
    ::close(fd);
    return out;
}

// The parsed index: entries in path order (paths in one buffer), the valid cache-tree directories by
// path ("" for the root, else "dir/sub/").
class IndexFile {
public:
    bool parse(const std::string& data);
    std::vector<IndexEntry> entries;
    std::unordered_map<std::string, CacheTreeNode> cache_tree;

private:
    bool parse_cache_tree(const unsigned char*& p, const unsigned char* end, std::string& prefix, int depth);
    std::string paths_;
};

bool IndexFile::parse(const std::string& data) {
    if (data.empty()) return true;
    const auto* begin = reinterpret_cast<const unsigned char*>(data.data());
    const unsigned char* end = begin + data.size();
    if (data.size() < 12 + kOidSize || std::memcmp(begin, "DIRC", 4) != 0) return false;
    const std::uint32_t version = be32(begin + 4), count = be32(begin + 8);
    if (version < 2 || version > 4) return false;
    end -= kOidSize;  // the checksum
    const unsigned char* p = begin + 12;
    struct Span { std::size_t offset, size; std::uint32_t mode; git_oid id; bool ita; };
    std::vector<Span> spans;
    spans.reserve(std::min<std::size_t>(count, data.size() / 62));
    std::size_t previous_offset = 0, previous_size = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
        const unsigned char* entry = p;
        if (end - p < 62) return false;
        const std::uint32_t mode = be32(p + 24);
        git_oid id;
        std::memcpy(id.id, p + 40, kOidSize);
        const std::uint16_t flags = be16(p + 60);
        p += 62;
        bool ita = false;
        if (flags & kExtended) {
            if (version < 3 || end - p < 2) return false;
            ita = be16(p) & kIntentToAdd;
            p += 2;
        }
        if (flags & kStageMask) return false;            // unmerged: libgit2's diff reports conflicts
        if ((mode & kTypeMask) == kTree) return false;   // a sparse index's directory entry
        const std::size_t offset = paths_.size();
        if (version == 4) {
            // Prefix compression: drop N bytes from the end of the previous path, then a NUL-terminated suffix.
            std::uint64_t strip = 0;
            for (int shift = 0;; ++shift) {
                if (p == end || shift > 8) return false;
                const unsigned char c = *p++;
                strip = (strip << 7) | (c & 0x7f);
                if (!(c & 0x80)) break;
                ++strip;
            }
            if (strip > previous_size) return false;
            const auto* nul = static_cast<const unsigned char*>(std::memchr(p, 0, static_cast<std::size_t>(end - p)));
            if (!nul) return false;
            paths_.append(paths_, previous_offset, previous_size - strip);
            paths_.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(nul - p));
            p = nul + 1;
        } else {
            const auto* nul = static_cast<const unsigned char*>(std::memchr(p, 0, static_cast<std::size_t>(end - p)));
            if (!nul) return false;
            const std::size_t length = static_cast<std::size_t>(nul - p);
            if ((flags & kNameMask) != std::min<std::size_t>(length, kNameMask)) return false;
            paths_.append(reinterpret_cast<const char*>(p), length);
            // Padded with 1 to 8 NULs to a multiple of 8 bytes from the entry's start.
            const std::size_t size = (static_cast<std::size_t>(nul - entry) + 8) & ~std::size_t(7);
            if (static_cast<std::size_t>(end - entry) < size) return false;
            p = entry + size;
        }
        const std::size_t size = paths_.size() - offset;
        if (size == 0) return false;
        // Strictly increasing: the walk below finds a directory's entries by binary search.
        if (i > 0 && std::string_view(paths_).substr(previous_offset, previous_size) >= std::string_view(paths_).substr(offset, size)) return false;
        spans.push_back({offset, size, mode, id, ita});
        previous_offset = offset;
        previous_size = size;
    }
    entries.reserve(spans.size());
    for (const Span& s : spans) entries.push_back({std::string_view(paths_).substr(s.offset, s.size), s.mode, s.id, s.ita});

    while (p < end) {  // extensions
        if (end - p < 8) return false;
        const unsigned char* signature = p;
        const std::uint32_t size = be32(p + 4);
        p += 8;
        if (static_cast<std::size_t>(end - p) < size) return false;
        const unsigned char* ext_end = p + size;
        if (std::memcmp(signature, "TREE", 4) == 0) {
            std::string prefix;
            const unsigned char* q = p;
            if (q < ext_end && !parse_cache_tree(q, ext_end, prefix, 0)) return false;
        } else if (signature[0] < 'A' || signature[0] > 'Z') {
            return false;  // required (lowercase: "link" of a split index, "sdir" of a sparse one): not ours to ignore
        }
        p = ext_end;
    }
    return true;
}

// One cache-tree node and its subtrees, pre-order: "name\0" "entries subtrees\n" [id if entries >= 0].
bool IndexFile::parse_cache_tree(const unsigned char*& p, const unsigned char* end, std::string& prefix, int depth) {
    if (depth > kMaxDepth) return false;
    const auto* nul = static_cast<const unsigned char*>(std::memchr(p, 0, static_cast<std::size_t>(end - p)));
    if (!nul) return false;
    const std::size_t restore = prefix.size();
    if (nul != p) prefix.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(nul - p)).push_back('/');
    p = nul + 1;
    auto number = [&](char stop, long long& out) {
        bool negative = false, digits = false;
        out = 0;
        if (p < end && *p == '-') negative = true, ++p;
        while (p < end && *p >= '0' && *p <= '9') {
            if (out > (1LL << 40)) return false;
            out = out * 10 + (*p++ - '0');
            digits = true;
        }
        if (!digits || p == end || *p != stop) return false;
        ++p;
        if (negative) out = -out;
        return true;
    };
    long long entry_count = 0, subtrees = 0;
    if (!number(' ', entry_count) || !number('\n', subtrees) || subtrees < 0) return false;
    if (entry_count >= 0) {
        if (static_cast<std::size_t>(end - p) < kOidSize) return false;
        CacheTreeNode node{static_cast<std::size_t>(entry_count), {}};
        std::memcpy(node.id.id, p, kOidSize);
        p += kOidSize;
        cache_tree.emplace(prefix, node);
    }
    for (long long i = 0; i < subtrees; ++i)
        if (!parse_cache_tree(p, end, prefix, depth + 1)) return false;
    prefix.resize(restore);
    return true;
}

// A tree entry's sort key (its name, then '/' for a directory) against an index path's component (a
// name, with its '/' when more follows), bytewise: <0, 0 or >0.
int compare_key(std::string_view name, bool directory, std::string_view component) {
    const std::size_t n = std::min(name.size(), component.size());
    if (const int c = std::memcmp(name.data(), component.data(), n); c != 0) return c;
    if (name.size() > n) return 1;  // the component is a proper prefix of the name
    const std::string_view rest = component.substr(n);
    if (!directory) return rest.empty() ? 0 : -1;
    if (rest.empty()) return 1;
    if (rest[0] != '/') return '/' < static_cast<unsigned char>(rest[0]) ? -1 : 1;
    return rest.size() == 1 ? 0 : -1;
}

// Merge-walks HEAD's trees against the index entries, directory by directory, in git's order (a tree
// entry's name sorts with a '/' after it when it is a directory, which is exactly the index's full-path
// order).
class Walk {
public:
    Walk(git_repository* repo, const IndexFile& index) : repo_(repo), index_(index) {}

    bool run(const git_tree* head) {
        if (!directory(std::string(), head, 0, index_.entries.size(), 0)) return false;
        return drop_exact_renames();
    }
    std::vector<StagedChange> changes;

private:
    // The entries in [lo, hi) whose path starts with prefix + component.
    std::size_t end_of_directory(const std::string& dir, std::size_t lo, std::size_t hi) const {
        // Paths under "dir/" sort below "dir0" ('0' follows '/').
        std::string bound = dir;
        bound.back() = '0';
        const auto& e = index_.entries;
        return static_cast<std::size_t>(std::lower_bound(e.begin() + static_cast<std::ptrdiff_t>(lo), e.begin() + static_cast<std::ptrdiff_t>(hi), bound,
                                                         [](const IndexEntry& entry, const std::string& b) { return entry.path < b; }) -
                                        e.begin());
    }

    void add(const IndexEntry& e, bool added) {
        if ((e.mode & kTypeMask) == kGitlink || e.intent_to_add) return;  // a submodule pointer; nothing to commit yet
        changes.push_back({e.id, std::string(e.path), added});
    }

    bool directory(const std::string& prefix, const git_tree* tree, std::size_t lo, std::size_t hi, int depth) {
        if (depth > kMaxDepth) return false;
        if (tree) {
            const auto node = index_.cache_tree.find(prefix);
            if (node != index_.cache_tree.end() && node->second.entries == hi - lo && git_oid_equal(&node->second.id, git_tree_id(tree))) return true;
        }
        const std::size_t m = tree ? git_tree_entrycount(tree) : 0;
        std::size_t k = 0, i = lo;
        std::string child;
        while (k < m || i < hi) {
            const git_tree_entry* t = k < m ? git_tree_entry_byindex(tree, k) : nullptr;
            std::string_view component;
            bool index_dir = false;
            if (i < hi) {
                const std::string_view rest = index_.entries[i].path.substr(prefix.size());
                const std::size_t slash = rest.find('/');
                index_dir = slash != std::string_view::npos;
                component = index_dir ? rest.substr(0, slash + 1) : rest;
            }
            // The tree entry against the index's next component.
            const int order = !t ? 1 : i >= hi ? -1 : compare_key(git_tree_entry_name(t), git_tree_entry_filemode(t) == GIT_FILEMODE_TREE, component);
            if (order < 0) {  // only in HEAD: deleted
                deleted(t);
                ++k;
            } else if (order > 0) {  // only in the index: added
                if (index_dir) {
                    child.assign(prefix).append(component);
                    const std::size_t j = end_of_directory(child, i, hi);
                    for (; i < j; ++i) add(index_.entries[i], true);
                } else {
                    add(index_.entries[i++], true);
                }
            } else if (index_dir) {  // a directory on both sides
                child.assign(prefix).append(component);
                const std::size_t j = end_of_directory(child, i, hi);
                git_tree* sub = nullptr;
                if (git_tree_lookup(&sub, repo_, git_tree_entry_id(t)) < 0) return false;
                GitTree owned(sub);
                if (!directory(child, sub, i, j, depth + 1)) return false;
                i = j;
                ++k;
            } else {  // a file, gitlink or symlink on both sides
                const IndexEntry& e = index_.entries[i++];
                if (!git_oid_equal(&e.id, git_tree_entry_id(t))) add(e, false);
                ++k;
            }
        }
        return true;
    }

    void deleted(const git_tree_entry* t) {
        const auto mode = static_cast<std::uint32_t>(git_tree_entry_filemode(t));
        if (mode == GIT_FILEMODE_TREE) deleted_trees_.push_back(*git_tree_entry_id(t));
        else if ((mode & kTypeMask) == kRegular) deleted_blobs_.push_back(*git_tree_entry_id(t));
    }

    // An added regular file with the content of a deleted one is a rename without edits: it adds no line.
    // Each deleted file pairs with one added file, in path order.
    bool drop_exact_renames() {
        if (std::none_of(changes.begin(), changes.end(), [](const StagedChange& c) { return c.added; })) return true;
        for (std::size_t t = 0; t < deleted_trees_.size(); ++t) {  // grows while it is read
            git_tree* raw = nullptr;
            if (git_tree_lookup(&raw, repo_, &deleted_trees_[t]) < 0) return false;
            GitTree tree(raw);
            for (std::size_t k = 0; k < git_tree_entrycount(raw); ++k) deleted(git_tree_entry_byindex(raw, k));
            if (deleted_trees_.size() > (1u << 24)) return false;
        }
        if (deleted_blobs_.empty()) return true;
        std::unordered_map<std::string, std::size_t> pool;  // raw id → deleted files left to pair
        for (const git_oid& id : deleted_blobs_) ++pool[std::string(reinterpret_cast<const char*>(id.id), kOidSize)];
        std::erase_if(changes, [&](const StagedChange& c) {
            if (!c.added) return false;
            const auto it = pool.find(std::string(reinterpret_cast<const char*>(c.id.id), kOidSize));
            if (it == pool.end() || it->second == 0) return false;
            --it->second;
            return true;
        });
        return true;
    }

    git_repository* repo_;
    const IndexFile& index_;
    std::vector<git_oid> deleted_trees_, deleted_blobs_;
};

}  // namespace

std::optional<std::vector<StagedChange>> staged_changes_from_index(git_repository* repo, const git_tree* head_tree,
                                                                   const std::filesystem::path& index_file) {
    const auto data = read_file(index_file);
    if (!data) return std::nullopt;
    IndexFile index;
    if (!index.parse(*data)) return std::nullopt;
    Walk walk(repo, index);
    if (!walk.run(head_tree)) return std::nullopt;
    return std::move(walk.changes);
}

}  // namespace keyfence::source
