// GSSAPI without Kerberos, for the statically linked keyfence only (cmake/static_deps.cmake).
// libgit2.a calls GSSAPI for one thing: HTTP "Negotiate" (Kerberos/SPNEGO) authentication. keyfence
// reads local repositories, so linking Kerberos (seven shared objects, and a package dependency) for
// it cost start-up time on every commit and made the release tarball fail on systems without it.
// These definitions tell libgit2 that no GSSAPI mechanism exists: it then reports Negotiate as
// unsupported, exactly as on a system without Kerberos configured. Only the symbols libgit2 1.5
// references are defined (nm -u libgit2.a); the signatures follow RFC 2744, with its opaque handle
// types as void*.
#include <cstddef>
#include <cstdint>

namespace {
using OM_uint32 = std::uint32_t;
constexpr OM_uint32 kFailure = 13u << 16;  // GSS_S_FAILURE: a routine error, "unspecified"
struct OidDesc {
    OM_uint32 length;
    void* elements;
};
OidDesc nt_hostbased_service{0, nullptr};
}  // namespace

extern "C" {
void* GSS_C_NT_HOSTBASED_SERVICE = &nt_hostbased_service;

OM_uint32 gss_indicate_mechs(OM_uint32* minor, void** mech_set) {
    if (minor) *minor = 0;
    if (mech_set) *mech_set = nullptr;  // no mechanism at all: libgit2 says Negotiate is not supported
    return 0;
}
OM_uint32 gss_release_oid_set(OM_uint32* minor, void** set) {
    if (minor) *minor = 0;
    if (set) *set = nullptr;
    return 0;
}
OM_uint32 gss_import_name(OM_uint32* minor, const void*, const void*, void** name) {
    if (minor) *minor = 0;
    if (name) *name = nullptr;
    return kFailure;
}
OM_uint32 gss_init_sec_context(OM_uint32* minor, const void*, void**, const void*, const void*, OM_uint32, OM_uint32, const void*,
                               const void*, void**, void*, OM_uint32*, OM_uint32*) {
    if (minor) *minor = 0;
    return kFailure;
}
OM_uint32 gss_delete_sec_context(OM_uint32* minor, void** context, void*) {
    if (minor) *minor = 0;
    if (context) *context = nullptr;
    return 0;
}
OM_uint32 gss_release_name(OM_uint32* minor, void** name) {
    if (minor) *minor = 0;
    if (name) *name = nullptr;
    return 0;
}
struct Buffer {
    std::size_t length;
    void* value;
};
OM_uint32 gss_release_buffer(OM_uint32* minor, Buffer* buffer) {
    if (minor) *minor = 0;
    if (buffer) *buffer = {0, nullptr};
    return 0;
}
OM_uint32 gss_display_status(OM_uint32* minor, OM_uint32, int, const void*, OM_uint32* message_context, Buffer* status) {
    if (minor) *minor = 0;
    if (message_context) *message_context = 0;
    if (status) *status = {0, nullptr};
    return 0;
}
}
