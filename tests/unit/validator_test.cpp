#include <doctest/doctest.h>

#include "validate/http_client.hpp"
#include "validate/validator.hpp"

using namespace keyfence;

TEST_CASE("a validator's request: the secret percent-encoded in the URL, as it is in headers and body") {
    rules::Validator v;
    v.method = "POST";
    v.url = "https://generativelanguage.googleapis.com/v1beta/models?key={{secret}}";
    v.headers = {"Authorization: Bearer {{secret}}"};
    v.body = "token={{secret}}";
    const auto r = validate::request_for(v, "AIza+b/c=");
    CHECK(r.url == "https://generativelanguage.googleapis.com/v1beta/models?key=AIza%2Bb%2Fc%3D");
    CHECK(r.headers == std::vector<std::string>{"Authorization: Bearer AIza+b/c="});
    CHECK(r.body == "token=AIza+b/c=");
}

TEST_CASE("reading an answer: live and invalid statuses, a JSON field, and everything else unknown") {
    rules::Validator v;
    auto status = [&](long code, std::string body = "", std::string error = "") {
        validate::HttpResponse r;
        r.status = code;
        r.body = std::move(body);
        r.error = std::move(error);
        return validate::interpret(v, r).status;
    };
    CHECK(status(200) == "live");
    CHECK(status(401) == "invalid");
    CHECK(status(403) == "invalid");
    for (long code : {201L, 302L, 404L, 429L, 500L, 503L}) CHECK_MESSAGE(status(code) == "unknown", code);
    CHECK(status(0, "", "SSL peer certificate or SSH remote key was not OK") == "unknown");
    v.live_field = "ok";
    CHECK(status(200, R"({"ok": true})") == "live");
    CHECK(status(200, R"({"ok": false, "error": "invalid_auth"})") == "invalid");
    CHECK(status(200, "not json") == "unknown");
}

TEST_CASE("KEYFENCE_VALIDATE_CONNECT_TO: HOST:PORT:ADDR:PORT entries to loopback only") {
    CHECK(validate::parse_connect_to("a.example:443:127.0.0.1:8443,b.example:443:[::1]:9443") ==
          std::vector<std::string>{"a.example:443:127.0.0.1:8443", "b.example:443:[::1]:9443"});
    for (const char* bad : {"a.example:443:10.1.2.3:443", "a.example:443", "a.example:443:evil.example:443"})
        CHECK_THROWS_WITH(validate::parse_connect_to(bad), doctest::Contains("loopback"));
}
