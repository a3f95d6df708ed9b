#pragma once
// Fake keys of real shapes, assembled at run time from parts so that no literal key ever sits in the
// repository (keyfence scans its own tree clean; a test checks that).
#include <cstdint>
#include <string>
#include <string_view>

namespace keyfence::test {

inline constexpr const char* kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
inline constexpr const char* kUrlSafe = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";

// Standard base64 with padding, for inputs that hide a key the scanner must decode.
std::string base64_encode(std::string_view in);

// Deterministic random text from `alphabet` (seeded; same seed, same string).
std::string random_chars(const std::string& alphabet, std::size_t n, std::uint64_t seed);

// "T3Blbk" + "FJ": the marker every OpenAI key carries, split so this file holds no key shape.
std::string openai_marker();
std::string openai_legacy(std::uint64_t seed = 1);
std::string openai_project(std::uint64_t seed = 2);
std::string anthropic_api03(std::uint64_t seed = 3);
// GitHub-style token: prefix ("ghp", "npm", ...) + "_" + 30 random + 6-char base62 CRC32 checksum.
std::string base62_crc32_token(const std::string& prefix, std::uint64_t seed, bool valid_checksum = true);
std::string aws_access_key_id(std::uint64_t seed = 5);
std::string openrouter(std::uint64_t seed = 6);
std::string stripe_live_secret(std::uint64_t seed = 7);

}  // namespace keyfence::test
