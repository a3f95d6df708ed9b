#include "core/digest.hpp"

#include <mbedtls/md.h>
#include <mbedtls/sha256.h>
#include <mbedtls/version.h>
#include <zlib.h>

#include "core/error.hpp"

namespace keyfence {

// mbedTLS (libgit2's own crypto library here) rather than OpenSSL: OpenSSL 3 initialises its provider
// tables on the first digest, ~0.7 ms of every hook run for one hash.
Sha256 sha256_of(std::string_view data) {
    Sha256 md;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
#if MBEDTLS_VERSION_MAJOR >= 3
    const int rc = mbedtls_sha256(in, data.size(), md.data(), 0);
#else
    const int rc = mbedtls_sha256_ret(in, data.size(), md.data(), 0);
#endif
    if (rc != 0) throw Error("SHA-256 failed");
    return md;
}

Sha256 hmac_sha256(std::string_view key, std::string_view data) {
    Sha256 md;
    const int rc = mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), reinterpret_cast<const unsigned char*>(key.data()),
                                   key.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(), md.data());
    if (rc != 0) throw Error("HMAC-SHA-256 failed");
    return md;
}

std::string to_hex(const Sha256& digest) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(digest.size() * 2);
    for (unsigned char b : digest) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 0xf]);
    }
    return out;
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256_of(data)); }

std::uint32_t crc32_of(std::string_view data) {
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
    return static_cast<std::uint32_t>(crc);
}

}  // namespace keyfence
