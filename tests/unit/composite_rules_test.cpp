#include <doctest/doctest.h>

#include "core/error.hpp"
#include "support/engine_helpers.hpp"

using namespace keyfence;

namespace {

// A client id that is nothing alone and a client secret that counts only with an id near it, as a
// gitleaks 8.28+ config writes them.
const char* kAcme = R"(
[[rules]]
id = "acme-client-id"
regex = '''acme_id_[a-z0-9]{16}'''
keywords = ["acme_id_"]
skipReport = true
[[rules]]
id = "acme-client-secret"
regex = '''acme_secret_[a-z0-9]{32}'''
keywords = ["acme_secret_"]
[[rules.required]]
id = "acme-client-id"
withinLines = 2
[[rules]]
id = "acme-session"
regex = '''acme_sess_[a-z0-9]{24}'''
keywords = ["acme_sess_"]
[[rules.required]]
id = "acme-client-id"
withinColumns = 30
[[rules.required]]
id = "acme-client-secret"
)";

const std::string kId = "acme_id_q8v2m4x7c1z9k3w5";
const std::string kSecret = "acme_secret_7f3k9q2m8x4c1v6b0n5z2l7j4h8g3d1s";
const std::string kSession = "acme_sess_p4r8t2y6u1i5o9a3s7d2f6g0";

}  // namespace

TEST_CASE("a composite rule reports only with its required rule's finding close enough, and names it") {
    const scan::Engine engine = test::engine_of(kAcme);
    auto found = test::scan_text(engine, "id = " + kId + "\n\nsecret = " + kSecret + "\n");
    REQUIRE(found.size() == 1);  // the id itself is skipReport
    CHECK(found[0].rule_id == "acme-client-secret");
    REQUIRE(found[0].required.size() == 1);
    CHECK(found[0].required[0].rule_id == "acme-client-id");
    CHECK(found[0].required[0].secret == kId);
    CHECK(found[0].required[0].line == 1);
    CHECK(found[0].required[0].column == 6);

    CHECK(test::scan_text(engine, "id = " + kId + "\n\n\nsecret = " + kSecret + "\n").empty());  // 3 lines apart
    CHECK(test::scan_text(engine, "secret = " + kSecret + "\n").empty());
    CHECK(test::scan_text(engine, "id = " + kId + "\n").empty());
}

TEST_CASE("withinColumns bounds the distance between starts; a requirement with no limit takes the whole file") {
    const scan::Engine engine = test::engine_of(kAcme);
    const std::string far_secret = std::string(40, '\n') + kId + "\nsecret: " + kSecret + "\n";  // the secret needs the id nearby
    auto found = test::scan_text(engine, kId + " " + kSession + far_secret);
    REQUIRE(found.size() == 2);
    CHECK(found[0].rule_id == "acme-session");
    REQUIRE(found[0].required.size() == 2);
    CHECK(found[0].required[1].rule_id == "acme-client-secret");
    CHECK(found[0].required[1].line == 42);  // anywhere in the file
    CHECK(found[1].rule_id == "acme-client-secret");
    // The session 40 columns to the right of the only id on its line has no id close enough.
    found = test::scan_text(engine, kId + std::string(40, ' ') + kSession + far_secret);
    REQUIRE(found.size() == 1);
    CHECK(found[0].rule_id == "acme-client-secret");
}

TEST_CASE("a required rule id that no rule has is an error naming the rule") {
    try {
        test::engine_of("[[rules]]\nid = \"a\"\nregex = 'a_[0-9]{8}'\n[[rules.required]]\nid = \"nope\"\n");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("rule 'a' requires rule 'nope', which is not defined") != std::string::npos);
    }
}
