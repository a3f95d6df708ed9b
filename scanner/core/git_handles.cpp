#include "core/git_handles.hpp"

#include <mutex>

#ifdef KEYFENCE_LAZY_TLS
// libgit2's global init sets up mbedTLS, parsing every certificate in the system's CA bundle (about 4 ms
// of each `keyfence staged`, measured on curl; the pre-commit gate's whole budget is 10), and libssh2 with
// OpenSSL (0.2 ms), for transports that a scan of a local repository never uses. The static build links
// with --wrap for the functions below (cmake/static_deps.cmake): both set-ups are skipped at init and done
// on first use instead (a TLS stream, certificate locations, an ssh transport), so anything that does
// reach the network is set up as before.
extern "C" {
int __real_git_mbedtls_stream_global_init(void);
int __real_git_mbedtls_stream_new(void** out, const char* host, const char* port);
int __real_git_mbedtls_stream_wrap(void** out, void* in, const char* host);
int __real_git_mbedtls__set_cert_location(const char* file, const char* path);
int __real_git_transport_ssh_global_init(void);
int __real_git_smart_subtransport_ssh(void** out, void* owner, void* param);
}
namespace {
int init_tls_once() {
    static const int status = __real_git_mbedtls_stream_global_init();
    return status;
}
int init_ssh_once() {
    static const int status = __real_git_transport_ssh_global_init();
    return status;
}
}  // namespace
extern "C" {
int __wrap_git_mbedtls_stream_global_init(void) { return 0; }
int __wrap_git_mbedtls_stream_new(void** out, const char* host, const char* port) {
    if (const int rc = init_tls_once(); rc < 0) return rc;
    return __real_git_mbedtls_stream_new(out, host, port);
}
int __wrap_git_mbedtls_stream_wrap(void** out, void* in, const char* host) {
    if (const int rc = init_tls_once(); rc < 0) return rc;
    return __real_git_mbedtls_stream_wrap(out, in, host);
}
int __wrap_git_mbedtls__set_cert_location(const char* file, const char* path) {
    if (const int rc = init_tls_once(); rc < 0) return rc;
    return __real_git_mbedtls__set_cert_location(file, path);
}
int __wrap_git_transport_ssh_global_init(void) { return 0; }
int __wrap_git_smart_subtransport_ssh(void** out, void* owner, void* param) {
    if (const int rc = init_ssh_once(); rc < 0) return rc;
    return __real_git_smart_subtransport_ssh(out, owner, param);
}
}
#endif

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
