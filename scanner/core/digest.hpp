#pragma once
// Hashes used for fingerprints and cache keys (SHA-256 from mbedTLS, CRC32 from zlib).
#include <cstdint>
#include <string>
#include <string_view>

namespace keyfence {

// Lowercase hex SHA-256 of data.
std::string sha256_hex(std::string_view data);

std::uint32_t crc32_of(std::string_view data);

}  // namespace keyfence
