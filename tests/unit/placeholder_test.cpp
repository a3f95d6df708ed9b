#include <doctest/doctest.h>

#include "confirm/checks/placeholder.hpp"
#include "support/engine_helpers.hpp"
#include "support/fake_keys.hpp"

using namespace keyfence;
using confirm::looks_like_placeholder;

TEST_CASE("placeholders are recognised") {
    for (const char* p : {"sk-proj-xxxxxxxxxxxxxxxxxxxxxxxx", "your-api-key-here", "<OPENAI_API_KEY>", "${OPENAI_API_KEY}",
                          "{{ secrets.OPENAI }}", "sk-abcdefghijklmnopqrstuvwx", "ghp_0123456789abcdef", "AKIA0000000000000000",
                          "ababababababababab", "INSERT_TOKEN_HERE", "my-dummy-token-value", "password", "Secret"})
        CHECK_MESSAGE(looks_like_placeholder(p), p);
}

TEST_CASE("random keys of real shapes are not placeholders") {
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        CHECK_FALSE(looks_like_placeholder(test::openai_project(seed)));
        CHECK_FALSE(looks_like_placeholder(test::anthropic_api03(seed)));
        CHECK_FALSE(looks_like_placeholder(test::base62_crc32_token("ghp", seed)));
        CHECK_FALSE(looks_like_placeholder(test::aws_access_key_id(seed)));
    }
    // An OpenSSH key body has runs of 'A' (zero length fields): long key blocks skip the run checks.
    std::string openssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n";
    for (int i = 0; i < 6; ++i) openssh += test::random_chars(test::kBase62, 70, 400 + static_cast<std::uint64_t>(i)) + "\n";
    CHECK_FALSE(looks_like_placeholder(openssh + "-----END OPENSSH PRIVATE KEY-----"));
    // Dashes of PEM armour are not alphanumerics: they do not make a run.
    CHECK_FALSE(looks_like_placeholder("-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEA3Zq9\n-----END RSA PRIVATE KEY-----"));
}

TEST_CASE("the engine drops placeholders of every rule and counts them") {
    confirm::SuppressionCounts counts;
    const std::string fake = std::string("sk-") + "proj-" + std::string(74, 'x') + test::openai_marker() + std::string(74, 'x');
    CHECK(test::scan_text(test::builtin_engine(), "OPENAI_API_KEY=" + fake + "\n", "f", &counts).empty());
    CHECK(counts.placeholder == 1);
}
