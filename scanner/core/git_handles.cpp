#include "core/git_handles.hpp"

#include <mutex>

namespace keyfence {

std::string git_last_error() {
    const git_error* e = git_error_last();
    return e && e->message ? e->message : "unknown libgit2 error";
}

void check_git(int status, const std::string& what) {
    if (status < 0) throw Error(what + ": " + git_last_error());
}

void ensure_libgit2() {
    static std::once_flag once;
    std::call_once(once, [] {
        git_libgit2_init();
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
        // libgit2's object cache does not help blob reads (measured); keep it for trees/commits only.
        git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB, static_cast<size_t>(0));
        // Pack windows are mmapped and count as resident memory: with libgit2's defaults (1 GiB windows,
        // 8 GiB mapped) a 30,000-commit, 1.1 GB pack audit peaked at 1.7 GB RSS; 64 MiB windows capped at
        // 256 MiB mapped brought it to 0.7 GB at the same speed (measured, benchmarks/history_throughput.sh).
        git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, static_cast<size_t>(64) << 20);
        git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, static_cast<size_t>(256) << 20);
    });
}

std::string oid_hex(const git_oid& oid) {
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, &oid);
    return buf;
}

}  // namespace keyfence
