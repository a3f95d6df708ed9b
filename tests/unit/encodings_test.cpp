#include <doctest/doctest.h>

#include <fmt/format.h>

#include "decode/encodings.hpp"
#include "support/engine_helpers.hpp"
#include "support/fake_keys.hpp"

using namespace keyfence;

namespace {

// Every byte as %XX, as an over-eager encoder writes it (and as a key with '-' or '+' in it must be).
std::string percent_all(std::string_view s) {
    std::string out;
    for (unsigned char c : s) out += fmt::format("%{:02X}", c);
    return out;
}
std::string hex_of(std::string_view s) {
    std::string out;
    for (unsigned char c : s) out += fmt::format("{:02x}", c);
    return out;
}
std::string decoded(std::string_view run, decode::Encoding e) {
    std::string out;
    REQUIRE(decode::decode_run(run, e, out));
    return out;
}

}  // namespace

TEST_CASE("decoders: percent, hex, \\u and \\x escapes give the bytes they stand for; hashes and text without escapes are refused") {
    using decode::Encoding;
    CHECK(decoded("sk%2Dant%2dx+y%25", Encoding::kPercent) == "sk-ant-x+y%");  // '+' is a key character, not a space
    CHECK(decoded(hex_of("postgres://app:pw@db/app"), Encoding::kHex) == "postgres://app:pw@db/app");
    CHECK(decoded("sk\\u002dant\\x2Dapi\\/x", Encoding::kEscape) == "sk-ant-api\\/x");
    CHECK(decoded("\\u00e9\\ud83d\\ude00\\ud800x", Encoding::kEscape) == "\xC3\xA9\xF0\x9F\x98\x80\xEF\xBF\xBDx");  // é, 😀, lone half
    std::string out;
    CHECK_FALSE(decode::decode_run("9b74c9897bac770ffc029102a200c5de9b74c9897bac770ffc029102a200c5de", Encoding::kHex, out));  // sha256
    CHECK_FALSE(decode::decode_run("100%zz of it", Encoding::kPercent, out));
}

TEST_CASE("encoded runs: one run per token, bounded by quotes and blanks; short tokens and lone marks are not runs") {
    const std::string text = "a = \"" + percent_all("sk-ant-api03") + "\" b='x\\u0041yyyyyyyyyyyyyy' c=%zz printf(\"%02x\") 0x" +
                             hex_of("0123456789abcdef0123") + "\n";
    std::vector<decode::EncodedRun> runs;
    decode::find_encoded_runs(text, runs);
    std::vector<std::string> seen;
    for (const auto& r : runs) seen.push_back(fmt::format("{}:{}", decode::encoding_name(r.encoding), text.substr(r.begin, r.end - r.begin)));
    CHECK(std::find(seen.begin(), seen.end(), "percent:" + percent_all("sk-ant-api03")) != seen.end());
    CHECK(std::find(seen.begin(), seen.end(), "escape:x\\u0041yyyyyyyyyyyyyy") != seen.end());
    CHECK(std::find(seen.begin(), seen.end(), "hex:" + hex_of("0123456789abcdef0123")) != seen.end());  // after the 0x
    for (const std::string& s : seen) CHECK(s.find("%02x") == std::string::npos);  // too short to hold a key
}

TEST_CASE("a key percent-encoded, hex-encoded or escaped is found at the encoded span, saying how it was encoded") {
    const std::string key = test::anthropic_api03(81);
    struct Case {
        std::string text;
        const char* encoding;
        int column;
    };
    std::string json_escaped, python_bytes;
    for (char c : key) json_escaped += (c == '-' || c == '_') ? fmt::format("\\u{:04x}", c) : std::string(1, c);
    for (char c : key) python_bytes += fmt::format("\\x{:02x}", c);
    const Case cases[] = {
        {"curl 'https://api.example.com/v1?key=" + percent_all(key) + "&q=1'\n", "percent", 7},
        {"blob: " + hex_of(key) + "\n", "hex", 7},
        {"{\"key\": \"" + json_escaped + "\"}\n", "escape", 10},
        {"KEY = b'" + python_bytes + "'\n", "escape", 9},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        const auto found = test::scan_text(test::builtin_engine(), c.text);
        REQUIRE(found.size() == 1);
        CHECK(found[0].secret == key);
        CHECK(found[0].encoding == c.encoding);
        CHECK(found[0].line == 1);
        CHECK(found[0].column == c.column);
        CHECK(test::scan_text(test::builtin_engine(), c.text, "f.txt", nullptr, 0).empty());  // --max-decode-depth 0
    }
}

TEST_CASE("encodings nest up to --max-decode-depth, outermost named first") {
    const std::string key = test::openai_project(82);
    const std::string text = "token=" + hex_of(percent_all(test::base64_encode(key))) + "\n";  // hex, then percent, then base64
    for (unsigned depth = 0; depth < 3; ++depth) CHECK(test::scan_text(test::builtin_engine(), text, "f.txt", nullptr, depth).empty());
    const auto found = test::scan_text(test::builtin_engine(), text, "f.txt", nullptr, 3);
    REQUIRE(found.size() == 1);
    CHECK(found[0].secret == key);
    CHECK(found[0].encoding == "hex+percent+base64");
    CHECK(found[0].column == 7);
    CHECK(test::scan_text(test::builtin_engine(), text).size() == 1);  // the default depth, 5, reaches it
}

TEST_CASE("one key, one finding: a key that stands as it is inside an encoded URL is not reported again decoded") {
    const std::string key = test::anthropic_api03(83);
    const std::string text = "url = \"https://x.example/a%20b?k=" + key + "&next=%2Fhome\"\n";
    const auto found = test::scan_text(test::builtin_engine(), text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].encoding.empty());
    CHECK(found[0].column == 34);
}

TEST_CASE("escaped bytes that look like an archive are not opened (a gzip spelt out in a Python test is test data)") {
    std::string escaped;
    for (unsigned char c : std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage-that-is-no-deflate-stream", 44))
        escaped += fmt::format("\\x{:02x}", c);
    scan::Worker worker(test::builtin_engine());
    std::vector<Finding> out;
    const std::string text = "DATA = b'" + escaped + "'\n";
    worker.scan(Input{text, "test_gzip.py", ""}, out);
    CHECK(out.empty());
    CHECK(worker.diagnostics().empty());
}
