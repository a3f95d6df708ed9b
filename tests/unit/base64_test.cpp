#include <doctest/doctest.h>

#include "decode/base64.hpp"
#include "support/engine_helpers.hpp"
#include "support/fake_keys.hpp"

using namespace keyfence;

namespace {
std::string encode(std::string_view in) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = static_cast<unsigned char>(in[i]) << 16 | static_cast<unsigned char>(in[i + 1]) << 8 | static_cast<unsigned char>(in[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
    }
    if (i < in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}
}  // namespace

TEST_CASE("base64 runs that decode to text are decoded; hashes and binary are not") {
    std::string out;
    CHECK(decode::decode_base64_text(encode("postgres://app:secret@db.internal:5432/app"), out));
    CHECK(out == "postgres://app:secret@db.internal:5432/app");
    CHECK_FALSE(decode::decode_base64_text("9b74c9897bac770ffc029102a200c5de9b74c9897bac770ffc029102a200c5de", out));  // sha256 hex
    std::string binary;
    for (int i = 0; i < 60; ++i) binary += static_cast<char>((i * 37) & 0xff);
    CHECK_FALSE(decode::decode_base64_text(encode(binary), out));
}

TEST_CASE("a key inside a Kubernetes Secret's base64 data is found at the encoded span") {
    const std::string key = test::openai_project(71);
    const std::string manifest = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\ndata:\n  OPENAI_API_KEY: " + encode(key) + "\n";
    const auto found = test::scan_text(test::builtin_engine(), manifest, "k8s/secret.yaml");
    REQUIRE(found.size() == 1);
    CHECK(found[0].secret == key);
    CHECK(found[0].encoding == "base64");
    CHECK(found[0].line == 6);
    CHECK(found[0].column == 19);
}

TEST_CASE("a basic-auth header hiding a token is decoded too") {
    const std::string tok = test::base62_crc32_token("ghp", 72);
    const auto found = test::scan_text(test::builtin_engine(), "curl -H 'Authorization: Basic " + encode("x-access-token:" + tok) + "' https://x\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].secret == tok);
}
