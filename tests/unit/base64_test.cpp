#include <doctest/doctest.h>

#include "decode/base64.hpp"
#include "support/engine_helpers.hpp"
#include "support/fake_keys.hpp"

using namespace keyfence;


TEST_CASE("base64 runs that decode to text are decoded; hashes and binary are not") {
    std::string out;
    CHECK(decode::decode_base64_text(test::base64_encode("postgres://app:secret@db.internal:5432/app"), out));
    CHECK(out == "postgres://app:secret@db.internal:5432/app");
    CHECK_FALSE(decode::decode_base64_text("9b74c9897bac770ffc029102a200c5de9b74c9897bac770ffc029102a200c5de", out));  // sha256 hex
    std::string binary;
    for (int i = 0; i < 60; ++i) binary += static_cast<char>((i * 37) & 0xff);
    CHECK_FALSE(decode::decode_base64_text(test::base64_encode(binary), out));
}

TEST_CASE("a key inside a Kubernetes Secret's base64 data is found at the encoded span") {
    const std::string key = test::openai_project(71);
    const std::string manifest = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\ndata:\n  OPENAI_API_KEY: " + test::base64_encode(key) + "\n";
    const auto found = test::scan_text(test::builtin_engine(), manifest, "k8s/secret.yaml");
    REQUIRE(found.size() == 1);
    CHECK(found[0].secret == key);
    CHECK(found[0].encoding == "base64");
    CHECK(found[0].line == 6);
    CHECK(found[0].column == 19);
}

TEST_CASE("a basic-auth header hiding a token is decoded too") {
    const std::string tok = test::base62_crc32_token("ghp", 72);
    const auto found = test::scan_text(test::builtin_engine(), "curl -H 'Authorization: Basic " + test::base64_encode("x-access-token:" + tok) + "' https://x\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].secret == tok);
}
