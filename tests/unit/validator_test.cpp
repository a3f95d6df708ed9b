#include <doctest/doctest.h>

#include "rules/templates.hpp"
#include "validate/aws_sigv4.hpp"
#include "validate/http_client.hpp"
#include "validate/validator.hpp"

using namespace keyfence;

TEST_CASE("a validator's request: the secret percent-encoded in the URL, as it is in headers and body") {
    rules::Validator v;
    v.method = "POST";
    v.url = "https://generativelanguage.googleapis.com/v1beta/models?key={{secret}}";
    v.headers = {"Authorization: Bearer {{secret}}"};
    v.body = "token={{secret}}";
    const auto r = validate::request_for(v, {{"secret", "AIza+b/c="}});
    CHECK(r.url == "https://generativelanguage.googleapis.com/v1beta/models?key=AIza%2Bb%2Fc%3D");
    CHECK(r.headers == std::vector<std::string>{"Authorization: Bearer AIza+b/c="});
    CHECK(r.body == "token=AIza+b/c=");
}

TEST_CASE("a pair's request: a named group beside the secret, and basicAuth as an Authorization header") {
    rules::Validator v;
    v.url = "https://api.twilio.com/2010-04-01/Accounts/{{sid}}.json";
    v.basic_auth = "{{sid}}:{{secret}}";
    const auto r = validate::request_for(v, {{"secret", "0123456789abcdef0123456789abcdef"}, {"sid", "AC11"}});
    CHECK(r.url == "https://api.twilio.com/2010-04-01/Accounts/AC11.json");
    // base64("AC11:0123456789abcdef0123456789abcdef")
    CHECK(r.headers == std::vector<std::string>{"Authorization: Basic QUMxMTowMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg=="});
}

TEST_CASE("AWS Signature Version 4: AWS's documented example request signs to AWS's documented signature") {
    // The worked example of AWS's SigV4 documentation: IAM ListUsers, key pair AKIDEXAMPLE, 2015-08-30.
    validate::HttpRequest r;
    r.method = "GET";
    r.url = "https://iam.amazonaws.com/?Version=2010-05-08&Action=ListUsers";  // the query is sorted when signed
    r.headers = {"Content-Type: application/x-www-form-urlencoded; charset=utf-8"};
    validate::sign_aws_sigv4(r, {"AKIDEXAMPLE", "us-east-1", "iam"}, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830T123600Z");
    REQUIRE(r.headers.size() == 3);
    CHECK(r.headers[1] == "X-Amz-Date: 20150830T123600Z");
    CHECK(r.headers[2] ==
          "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
          "SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    // The secret itself is nowhere in the request.
    for (const auto& h : r.headers) CHECK(h.find("wJalrXUtnFEMI") == std::string::npos);
    CHECK(r.url.find("wJalrXUtnFEMI") == std::string::npos);
}

TEST_CASE("validator templates: named groups of a regex, template names, expansion") {
    CHECK(rules::named_groups(R"(\b(?P<keyid>AKIA[A-Z0-9]{16})(?<=x)(?<!y)\(?P<no>(?<sid>AC\w+)([a-z]+))") ==
          std::vector<std::string>{"keyid", "sid"});
    CHECK(rules::template_names("a {{secret}} b {{sid}}") == std::vector<std::string>{"secret", "sid"});
    CHECK(rules::expand("{{sid}}:{{secret}}/{{other}}", {{"sid", "A"}, {"secret", "B"}}) == "A:B/{{other}}");
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
