#pragma once
// Hashes used for fingerprints and cache keys (SHA-256 from mbedTLS, CRC32 from zlib).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace keyfence {

// Lowercase hex SHA-256 of data.
std::string sha256_hex(std::string_view data);

using Sha256 = std::array<unsigned char, 32>;

Sha256 sha256_of(std::string_view data);
// HMAC-SHA-256 (RFC 2104), for AWS Signature Version 4.
Sha256 hmac_sha256(std::string_view key, std::string_view data);
std::string to_hex(const Sha256& digest);

std::uint32_t crc32_of(std::string_view data);

}  // namespace keyfence
