#include "source/git/tree_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace keyfence::source {
namespace {

// Trees nested deeper than this are damage (or an attack on the stack), not a project layout.
constexpr int kMaxDepth = 2048;
// Larger "trees" are left to libgit2 (a tree of 1 GiB would list millions of files).
constexpr std::uint64_t kMaxTreeBytes = 1u << 30;

bool is_tree(std::uint32_t mode) { return (mode & 0170000) == 0040000; }
bool is_gitlink(std::uint32_t mode) { return (mode & 0170000) == 0160000; }

Error too_deep(const std::string& where) {
    return Error(fmt::format("trees nested more than {} deep under {}", kMaxDepth, where.substr(0, 200)));
}

git_oid oid_from(const unsigned char* raw) {
    git_oid id;
    std::memcpy(id.id, raw, GIT_OID_RAWSZ);
    return id;
}

}  // namespace

TreeDiffer::TreeDiffer(git_odb* odb, const Packs* packs, std::size_t cache_bytes) : odb_(odb), packs_(packs), budget_(cache_bytes) {}

PackReader::Data TreeDiffer::read_bytes(const git_oid& id) {
    if (packs_)
        for (const auto& pack : *packs_)
            if (const std::optional<std::uint64_t> at = pack->offset_of(id)) {
                if (PackReader::Data data = pack->read(*at, GIT_OBJECT_TREE, kMaxTreeBytes)) return data;
                break;  // damaged or not a tree: libgit2 says what is wrong
            }
    git_odb_object* raw = nullptr;
    check_git(git_odb_read(&raw, odb_, &id), "reading tree " + oid_hex(id));
    GitOdbObject obj(raw);
    if (git_odb_object_type(raw) != GIT_OBJECT_TREE)
        throw Error(fmt::format("object {} is a {}, not a tree", oid_hex(id), git_object_type2string(git_odb_object_type(raw))));
    auto bytes = std::make_shared<ObjectBytes>(git_odb_object_size(raw));
    std::memcpy(bytes->data(), git_odb_object_data(raw), bytes->size);
    return bytes;
}

TreeDiffer::TreePtr TreeDiffer::read(const unsigned char* raw_id) {
    const git_oid id = oid_from(raw_id);
    if (auto it = young_.find(id); it != young_.end()) return it->second;
    TreePtr tree;
    if (auto it = old_.find(id); it != old_.end()) {
        tree = std::move(it->second);
        old_.erase(it);
    } else {
        auto parsed = std::make_shared<Tree>();
        parsed->data = read_bytes(id);
        // Entries: "<octal mode> <name>\0<20-byte id>", one after another.
        const char* p = parsed->data->bytes.get();
        const char* end = p + parsed->data->size;
        auto malformed = [&](const char* why) { return Error(fmt::format("malformed tree {}: {}", oid_hex(id), why)); };
        while (p < end) {
            std::uint32_t mode = 0;
            const char* digits = p;
            for (; p < end && *p >= '0' && *p <= '7'; ++p) mode = (mode << 3) | static_cast<std::uint32_t>(*p - '0');
            if (p == digits || p - digits > 7 || p == end || *p != ' ') throw malformed("bad file mode");
            const char* name = ++p;
            const char* nul = static_cast<const char*>(std::memchr(name, '\0', static_cast<std::size_t>(end - name)));
            if (!nul || nul == name || nul - name > UINT16_MAX) throw malformed("bad entry name");
            if (end - (nul + 1) < GIT_OID_RAWSZ) throw malformed("entry id cut short");
            parsed->entries.push_back({name, static_cast<std::uint16_t>(nul - name), mode, reinterpret_cast<const unsigned char*>(nul + 1)});
            p = nul + 1 + GIT_OID_RAWSZ;
        }
        tree = std::move(parsed);
    }
    young_bytes_ += tree->data->size + tree->entries.size() * sizeof(Entry) + 64;
    if (young_bytes_ > budget_ / 2) {
        old_ = std::move(young_);
        young_.clear();
        young_bytes_ = 0;
    }
    young_.emplace(id, tree);
    return tree;
}

namespace {
// git's tree order: names compare bytewise, a subtree's as if it ended in '/'. Equal only for the same
// name on the same side of tree/not-tree, which is how libgit2's diff pairs entries.
template <typename Entry>
int tree_order(const Entry& a, const Entry& b) {
    const std::size_t n = std::min(a.name_len, b.name_len);
    if (const int c = std::memcmp(a.name, b.name, n)) return c;
    const unsigned char ca = a.name_len > n ? static_cast<unsigned char>(a.name[n]) : (is_tree(a.mode) ? '/' : '\0');
    const unsigned char cb = b.name_len > n ? static_cast<unsigned char>(b.name[n]) : (is_tree(b.mode) ? '/' : '\0');
    return ca < cb ? -1 : ca > cb ? 1 : 0;
}
}  // namespace

void TreeDiffer::diff(const git_oid* old_tree, const git_oid& new_tree, std::vector<AddedEntry>& out) {
    const TreePtr fresh = read(new_tree.id);
    const TreePtr before = old_tree ? read(old_tree->id) : nullptr;
    std::string prefix;
    compare(before.get(), *fresh, prefix, 0, out);
}

void TreeDiffer::compare(const Tree* old_tree, const Tree& new_tree, std::string& prefix, int depth, std::vector<AddedEntry>& out) {
    if (depth > kMaxDepth) throw too_deep(prefix);
    static const std::vector<Entry> kNone;
    const std::vector<Entry>& olds = old_tree ? old_tree->entries : kNone;
    const std::vector<Entry>& news = new_tree.entries;
    auto add = [&](const Entry& e) {
        const std::size_t mark = prefix.size();
        prefix.append(e.name, e.name_len);
        if (is_tree(e.mode)) {
            prefix += '/';
            const TreePtr sub = read(e.id);
            compare(nullptr, *sub, prefix, depth + 1, out);
        } else {
            out.push_back({oid_from(e.id), prefix, is_gitlink(e.mode)});
        }
        prefix.resize(mark);
    };
    auto changed_subtree = [&](const Entry& before, const Entry& after) {
        const std::size_t mark = prefix.size();
        prefix.append(after.name, after.name_len);
        prefix += '/';
        const TreePtr a = read(before.id), b = read(after.id);
        compare(a.get(), *b, prefix, depth + 1, out);
        prefix.resize(mark);
    };
    std::size_t i = 0, j = 0;
    while (j < news.size()) {
        const int c = i < olds.size() ? tree_order(olds[i], news[j]) : 1;
        if (c < 0) {  // deleted: nothing to scan, but a deleted subtree is still read, as libgit2 would
            if (is_tree(olds[i].mode)) read_deleted(*read(olds[i].id), depth + 1);
            ++i;
        } else if (c > 0) {
            add(news[j++]);
        } else {
            const Entry& a = olds[i++];
            const Entry& b = news[j++];
            if (std::memcmp(a.id, b.id, GIT_OID_RAWSZ) == 0 && (a.mode == b.mode || is_tree(b.mode))) continue;
            if (is_tree(b.mode)) changed_subtree(a, b);
            else add(b);
        }
    }
    for (; i < olds.size(); ++i)
        if (is_tree(olds[i].mode)) read_deleted(*read(olds[i].id), depth + 1);
}

void TreeDiffer::read_deleted(const Tree& tree, int depth) {
    if (depth > kMaxDepth) throw too_deep("a deleted directory");
    for (const Entry& e : tree.entries)
        if (is_tree(e.mode)) read_deleted(*read(e.id), depth + 1);
}

}  // namespace keyfence::source
