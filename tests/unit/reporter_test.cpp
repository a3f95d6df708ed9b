#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "core/error.hpp"
#include "report/reporter.hpp"

using namespace keyfence;
using report::SecretDisplay;

namespace {
Finding sample() {
    Finding f;
    f.rule_id = "demo-rule";
    f.description = "Demo";
    f.path = "src/app.py";
    f.line = 3;
    f.column = 9;
    f.secret = "sk-demo-Abcdefghijklmnopqrstuvwxyz";
    f.match = "KEY = \"" + f.secret + "\"";
    f.line_text = f.match;
    f.fingerprint = "0123456789abcdef0123456789abcdef";
    return f;
}
std::string render(std::string_view format, SecretDisplay how) {
    std::ostringstream out;
    report::make_reporter(format, {how, false})->write({sample()}, out);
    return out.str();
}
}  // namespace

TEST_CASE("masking keeps the provider prefix and a few characters at each end") {
    CHECK(report::mask_secret("sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz") == "sk-proj-AbCd…WxYz");
    CHECK(report::mask_secret(std::string("AK") + "IAABCDEFGHIJKLMNOP") == "AKIA…MNOP");
    CHECK(report::mask_secret("short") == "s…t");
    CHECK(report::hide_in("a=KEY; b=KEY", "KEY", SecretDisplay::kRedacted) == "a=REDACTED; b=REDACTED");
}

TEST_CASE("text report masks by default, shows whole on request, never leaks with --redact") {
    const std::string secret = sample().secret;
    const std::string masked = render("text", SecretDisplay::kMasked);
    CHECK(masked.find("src/app.py:3:9") != std::string::npos);
    CHECK(masked.find("demo-rule") != std::string::npos);
    CHECK(masked.find(secret) == std::string::npos);
    CHECK(render("text", SecretDisplay::kFull).find(secret) != std::string::npos);
    const std::string redacted = render("text", SecretDisplay::kRedacted);
    CHECK(redacted.find(secret) == std::string::npos);
    CHECK(redacted.find("REDACTED") != std::string::npos);
}

TEST_CASE("json report carries every field; --redact hides the secret everywhere") {
    const auto j = nlohmann::json::parse(render("json", SecretDisplay::kMasked));
    REQUIRE(j.is_array());
    REQUIRE(j.size() == 1);
    for (const char* key : {"rule_id", "description", "path", "line", "column", "end_line", "end_column", "offset", "secret", "match",
                            "line_text", "entropy", "fingerprint", "binary", "tags"})
        CHECK_MESSAGE(j[0].contains(key), key);
    CHECK(j[0]["secret"] == sample().secret);  // machine formats carry the value unless redacted
    const std::string redacted = render("json", SecretDisplay::kRedacted);
    CHECK(redacted.find(sample().secret) == std::string::npos);
}

TEST_CASE("an unknown format is an error") { CHECK_THROWS_AS(report::make_reporter("yaml", {}), Error); }
