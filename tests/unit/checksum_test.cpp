#include <doctest/doctest.h>

#include "confirm/checks/checksum.hpp"
#include "support/fake_keys.hpp"

using namespace keyfence;

TEST_CASE("GitHub and npm tokens carry a base62 CRC32 of their random part") {
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
        CHECK(confirm::passes_checksum("github-crc32", test::base62_crc32_token("ghp", seed)));
        CHECK(confirm::passes_checksum("npm-crc32", test::base62_crc32_token("npm", seed)));
        CHECK_FALSE(confirm::passes_checksum("github-crc32", test::base62_crc32_token("ghp", seed, false)));
    }
}

TEST_CASE("checksum rejects wrong lengths and a flipped character") {
    std::string tok = test::base62_crc32_token("gho", 9);
    CHECK(confirm::passes_base62_crc32(tok));
    tok[10] = tok[10] == 'a' ? 'b' : 'a';
    CHECK_FALSE(confirm::passes_base62_crc32(tok));
    CHECK_FALSE(confirm::passes_base62_crc32("ghp_short"));
    CHECK_FALSE(confirm::passes_base62_crc32("no-underscore"));
    CHECK(confirm::is_known_checksum("github-crc32"));
    CHECK_FALSE(confirm::is_known_checksum("luhn"));
}
