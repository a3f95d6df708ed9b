#include "source/git/checked_odb.hpp"

#include "source/git/pack_chain.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <unordered_set>

namespace keyfence::source {
namespace {
namespace fs = std::filesystem;

// Process-wide record of damaged objects, for notes (the backend's callbacks cannot return them).
struct NoteBook {
    std::mutex mutex;
    std::vector<ObjectNote> notes;
    std::unordered_set<std::string> noted, damaged;
};
NoteBook& notebook() {
    static NoteBook book;
    return book;
}
void record(const git_oid& oid, const std::string& message, bool damaged) {
    NoteBook& b = notebook();
    const std::string hex = oid_hex(oid);
    std::lock_guard lock(b.mutex);
    if (damaged) b.damaged.insert(hex);  // its read fails: the caller's error names it
    else if (b.noted.insert(hex).second) b.notes.push_back({hex, message});
}

// A regular file, read whole. Never opens a FIFO or device for a blocking read: an object path is
// repository content, and a repository may hold anything.
enum class FileRead { kOk, kMissing, kError };
FileRead read_object_file(const std::string& path, std::string& out, std::string& why) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return FileRead::kMissing;
        why = std::strerror(errno);
        return FileRead::kError;
    }
    struct stat st {};
    FileRead result = FileRead::kOk;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        why = "not a regular file";
        result = FileRead::kError;
    } else {
        out.resize(static_cast<std::size_t>(st.st_size));
        std::size_t got = 0;
        while (got < out.size()) {
            const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                why = std::strerror(errno);
                result = FileRead::kError;
                break;
            }
            if (n == 0) break;  // shrank while reading: what is there is checked like any other bytes
            got += static_cast<std::size_t>(n);
        }
        out.resize(got);
    }
    ::close(fd);
    return result;
}

// objects/ab/cdef…: where a loose object lives.
std::string loose_path(const std::string& objects_dir, const git_oid& oid) {
    const std::string hex = oid_hex(oid);
    return objects_dir + "/" + hex.substr(0, 2) + "/" + hex.substr(2);
}

struct LooseBackend {
    git_odb_backend parent;  // first: libgit2 hands back a git_odb_backend*
    std::string objects_dir;

    std::string path_of(const git_oid& oid) const { return loose_path(objects_dir, oid); }
};
LooseBackend& self(git_odb_backend* b) { return *reinterpret_cast<LooseBackend*>(b); }

int fail(const git_oid& oid, const std::string& path, const std::string& what) {
    const std::string message = fmt::format("damaged loose object {} ({}): {}", oid_hex(oid), path, what);
    record(oid, message, true);
    git_error_set_str(GIT_ERROR_ODB, message.c_str());
    return GIT_ERROR;
}

int not_found(const git_oid& oid) {
    git_error_set_str(GIT_ERROR_ODB, ("no loose object " + oid_hex(oid)).c_str());
    return GIT_ENOTFOUND;
}

// Reads and checks one loose object; full = false stops after the header.
int load(LooseBackend& be, const git_oid& oid, bool full, LooseObject& obj) {
    const std::string path = be.path_of(oid);
    std::string bytes, why;
    switch (read_object_file(path, bytes, why)) {
        case FileRead::kMissing: return not_found(oid);
        case FileRead::kError: return fail(oid, path, why);
        case FileRead::kOk: break;
    }
    obj = full ? read_loose(bytes) : inflate_loose_header(bytes);
    if (obj.damage != LooseDamage::kNone) return fail(oid, path, obj.describe());
    if (full && obj.trailing)
        record(oid, fmt::format("loose object {} ({}): {}; its content is read (git fsck reports it as corrupt)", oid_hex(oid), path, obj.describe()), false);
    return 0;
}

int read_cb(void** data, size_t* len, git_object_t* type, git_odb_backend* b, const git_oid* oid) {
    LooseObject obj;
    if (const int rc = load(self(b), *oid, true, obj); rc != 0) return rc;
    // libgit2 parses trees and commits from this buffer: NUL-terminate it as its own loose reader does.
    char* buf = static_cast<char*>(git_odb_backend_data_alloc(b, obj.body.size() + 1));
    if (!buf) return GIT_ERROR;
    std::memcpy(buf, obj.body.data(), obj.body.size());
    buf[obj.body.size()] = '\0';
    *data = buf;
    *len = obj.body.size();
    *type = obj.type;
    return 0;
}

int read_header_cb(size_t* len, git_object_t* type, git_odb_backend* b, const git_oid* oid) {
    LooseObject obj;
    if (const int rc = load(self(b), *oid, false, obj); rc != 0) return rc;
    *len = static_cast<size_t>(obj.declared_size);
    *type = obj.type;
    return 0;
}

int exists_cb(git_odb_backend* b, const git_oid* oid) {
    struct stat st {};
    return ::stat(self(b).path_of(*oid).c_str(), &st) == 0 && S_ISREG(st.st_mode) ? 1 : 0;
}

// Every loose object id in one fan-out directory whose hex starts with prefix (hex digits).
template <typename Fn>
int each_in_fanout(const std::string& dir, const std::string& fanout, Fn&& fn) {
    DIR* d = ::opendir((dir + "/" + fanout).c_str());
    if (!d) return 0;
    int rc = 0;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name.size() != GIT_OID_HEXSZ - 2) continue;
        git_oid oid;
        if (git_oid_fromstrn(&oid, (fanout + name).c_str(), GIT_OID_HEXSZ) < 0) continue;
        if ((rc = fn(oid)) != 0) break;
    }
    ::closedir(d);
    return rc;
}

// The one loose object whose id starts with the first len hex digits of short_id.
int find_prefix(LooseBackend& be, git_oid* out, const git_oid* short_id, size_t len) {
    if (len >= GIT_OID_HEXSZ) {
        if (!exists_cb(&be.parent, short_id)) return not_found(*short_id);
        *out = *short_id;
        return 0;
    }
    const std::string prefix = oid_hex(*short_id).substr(0, len);
    if (len < 2) {  // libgit2 asks for at least GIT_OID_MINPREFIXLEN (4) digits
        git_error_set_str(GIT_ERROR_ODB, "object prefix too short");
        return GIT_EAMBIGUOUS;
    }
    int found = 0;
    const int rc = each_in_fanout(be.objects_dir, prefix.substr(0, 2), [&](const git_oid& oid) -> int {
        if (oid_hex(oid).compare(0, len, prefix) != 0) return 0;
        if (found++ && !git_oid_equal(out, &oid)) return GIT_EAMBIGUOUS;
        *out = oid;
        return 0;
    });
    if (rc == GIT_EAMBIGUOUS) {
        git_error_set_str(GIT_ERROR_ODB, ("ambiguous object prefix " + prefix).c_str());
        return rc;
    }
    return found ? 0 : not_found(*short_id);
}

int exists_prefix_cb(git_oid* out, git_odb_backend* b, const git_oid* short_id, size_t len) {
    return find_prefix(self(b), out, short_id, len);
}

int read_prefix_cb(git_oid* out, void** data, size_t* len, git_object_t* type, git_odb_backend* b, const git_oid* short_id, size_t hexlen) {
    git_oid full;
    if (const int rc = find_prefix(self(b), &full, short_id, hexlen); rc != 0) return rc;
    if (const int rc = read_cb(data, len, type, b, &full); rc != 0) return rc;
    *out = full;
    return 0;
}

int foreach_cb(git_odb_backend* b, git_odb_foreach_cb cb, void* payload) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 256; ++i) {
        const std::string fanout{kHex[i >> 4], kHex[i & 15]};
        const int rc = each_in_fanout(self(b).objects_dir, fanout, [&](const git_oid& oid) { return cb(&oid, payload); });
        if (rc != 0) return rc;
    }
    return 0;
}

void free_cb(git_odb_backend* b) { delete &self(b); }

git_odb_backend* new_loose_backend(const std::string& objects_dir) {
    auto* be = new LooseBackend{};
    git_odb_init_backend(&be->parent, GIT_ODB_BACKEND_VERSION);
    be->objects_dir = objects_dir;
    be->parent.read = read_cb;
    be->parent.read_prefix = read_prefix_cb;
    be->parent.read_header = read_header_cb;
    be->parent.exists = exists_cb;
    be->parent.exists_prefix = exists_prefix_cb;
    be->parent.foreach = foreach_cb;
    be->parent.free = free_cb;
    return &be->parent;  // no write: keyfence never writes objects
}

// libgit2's pack backend, less its read_header: for a delta whose data does not inflate to a delta
// header, libgit2 1.5.1's git_delta_read_header_fromstream retries GIT_EBUFS forever (found by
// fuzz_git_objects). Without read_header, libgit2's odb reads the whole object for a header query,
// through git_packfile_unpack, which gives up on a stream that makes no progress.
// It also checks an object's delta chain (pack_chain) before libgit2 follows it: a REF_DELTA based
// on itself sends libgit2 round the chain forever, growing it without bound.
struct PackGuard {
    git_odb_backend parent;
    git_odb_backend* inner;
    std::vector<std::shared_ptr<const PackChains>> chains;

    int check(const git_oid& oid) const {
        for (const auto& pack : chains)
            if (const std::optional<std::uint64_t> offset = pack->offset_of(oid)) {
                const std::string why = pack->check_chain(*offset);
                if (why.empty()) return 0;
                git_error_set_str(GIT_ERROR_ODB, fmt::format("object {}: {}", oid_hex(oid), why).c_str());
                return GIT_ERROR;
            }
        return 0;  // not in a pack known at start: libgit2 finds it or says it is missing
    }
};
git_odb_backend* inner_of(git_odb_backend* b) {
    auto* guard = reinterpret_cast<PackGuard*>(b);
    guard->inner->odb = b->odb;  // as git_odb_add_backend would have set it
    return guard->inner;
}
git_odb_backend* new_pack_guard(git_odb_backend* pack, const std::string& objects_dir) {
    auto* g = new PackGuard{};
    git_odb_init_backend(&g->parent, GIT_ODB_BACKEND_VERSION);
    g->inner = pack;
    g->chains = open_pack_chains(objects_dir);
    g->parent.read = [](void** d, size_t* n, git_object_t* t, git_odb_backend* b, const git_oid* o) {
        if (const int rc = reinterpret_cast<PackGuard*>(b)->check(*o); rc != 0) return rc;
        git_odb_backend* in = inner_of(b);
        return in->read(d, n, t, in, o);
    };
    if (pack->read_prefix)
        g->parent.read_prefix = [](git_oid* out, void** d, size_t* n, git_object_t* t, git_odb_backend* b, const git_oid* o, size_t len) {
            git_odb_backend* in = inner_of(b);
            git_oid full;
            if (in->exists_prefix && in->exists_prefix(&full, in, o, len) == 0)
                if (const int rc = reinterpret_cast<PackGuard*>(b)->check(full); rc != 0) return rc;
            return in->read_prefix(out, d, n, t, in, o, len);
        };
    if (pack->exists)
        g->parent.exists = [](git_odb_backend* b, const git_oid* o) {
            git_odb_backend* in = inner_of(b);
            return in->exists(in, o);
        };
    if (pack->exists_prefix)
        g->parent.exists_prefix = [](git_oid* out, git_odb_backend* b, const git_oid* o, size_t len) {
            git_odb_backend* in = inner_of(b);
            return in->exists_prefix(out, in, o, len);
        };
    if (pack->refresh)
        g->parent.refresh = [](git_odb_backend* b) {
            git_odb_backend* in = inner_of(b);
            return in->refresh(in);
        };
    if (pack->foreach)
        g->parent.foreach = [](git_odb_backend* b, git_odb_foreach_cb cb, void* payload) {
            git_odb_backend* in = inner_of(b);
            return in->foreach(in, cb, payload);
        };
    g->parent.free = [](git_odb_backend* b) {
        auto* guard = reinterpret_cast<PackGuard*>(b);
        guard->inner->free(guard->inner);
        delete guard;
    };
    return &g->parent;
}

// libgit2's own priorities: packed objects are tried before loose ones.
constexpr int kLoosePriority = 1, kPackedPriority = 2;
constexpr int kMaxAlternateDepth = 5;

// An object directory and, recursively, the ones its objects/info/alternates names (one a line,
// relative to the directory naming it; '#' comments), each once, the repository's own first.
void collect_object_dirs(const std::string& dir, int depth, std::vector<std::string>& out, std::vector<std::string>& seen) {
    std::error_code ec;
    const std::string canonical = fs::weakly_canonical(dir, ec).string();
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) return;
    seen.push_back(canonical);
    out.push_back(dir);
    if (depth >= kMaxAlternateDepth) return;
    std::ifstream in(dir + "/info/alternates");
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        const fs::path alt = fs::path(line).is_absolute() ? fs::path(line) : fs::path(dir) / line;
        if (fs::is_directory(alt, ec)) collect_object_dirs(alt.string(), depth + 1, out, seen);
    }
}

}  // namespace

std::vector<std::string> object_dirs(const std::string& objects_dir) {
    std::vector<std::string> out, seen;
    collect_object_dirs(objects_dir, 0, out, seen);
    return out;
}

std::vector<ObjectNote> suspect_object_notes() {
    NoteBook& b = notebook();
    std::lock_guard lock(b.mutex);
    return b.notes;
}

bool is_damaged(const git_oid& oid) {
    NoteBook& b = notebook();
    std::lock_guard lock(b.mutex);
    return b.damaged.count(oid_hex(oid)) > 0;
}

std::optional<LooseObject> salvage_loose_object(const std::string& git_dir, const git_oid& oid, std::uint64_t limit) {
    for (const std::string& dir : object_dirs((fs::path(git_dir) / "objects").string())) {
        std::string bytes, why;
        if (read_object_file(loose_path(dir, oid), bytes, why) == FileRead::kOk) return salvage_loose(bytes, limit);
    }
    return std::nullopt;
}

void install_checked_odb(git_repository* repo) {
    git_odb* odb_raw = nullptr;
    check_git(git_odb_new(&odb_raw), "creating the object database");
    GitOdb odb(odb_raw);
    const std::string objects = (std::filesystem::path(git_repository_commondir(repo)) / "objects").string();
    bool alternate = false;  // the repository's own directory first, then its alternates
    for (const std::string& dir : object_dirs(objects)) {
        git_odb_backend* pack = nullptr;
        check_git(git_odb_backend_pack(&pack, dir.c_str()), "opening the packs in " + dir);
        auto add = alternate ? git_odb_add_alternate : git_odb_add_backend;
        check_git(add(odb.get(), new_pack_guard(pack, dir), kPackedPriority), "adding the packs in " + dir);
        check_git(add(odb.get(), new_loose_backend(dir), kLoosePriority), "adding the loose objects in " + dir);
        alternate = true;
    }
    check_git(git_repository_set_odb(repo, odb.get()), "installing the checked object database");
}

}  // namespace keyfence::source

namespace keyfence {

GitRepository open_repository(const std::string& path) {
    ensure_libgit2();
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, path.c_str(), 0, nullptr) < 0)
        throw Error("not a git repository: " + path + " (" + git_last_error() + ")");
    GitRepository repo(raw);
    source::install_checked_odb(repo.get());
    return repo;
}

}  // namespace keyfence
