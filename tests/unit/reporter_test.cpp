#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "core/error.hpp"
#include "report/baseline.hpp"
#include "report/ignore_list.hpp"
#include "report/reporter.hpp"

using namespace keyfence;
using report::SecretDisplay;
using report::SecretStyle;

namespace {
Finding sample() {
    Finding f;
    f.rule_id = "demo-rule";
    f.description = "Demo";
    f.path = "src/app.py";
    f.line = 3;
    f.column = 9;
    f.end_line = 3;
    f.end_column = 42;
    f.secret = "sk-demo-Abcdefghijklmnopqrstuvwxyz";
    f.match = "KEY = \"" + f.secret + "\"";
    f.line_text = f.match;
    f.fingerprint = "0123456789abcdef0123456789abcdef";
    f.remediation = "Revoke it at https://demo.invalid/keys";
    return f;
}
std::string render(std::string_view format, SecretDisplay how = SecretDisplay::kDefault, unsigned percent = 0) {
    std::ostringstream out;
    report::ReportOptions o;
    o.secrets = {how, percent};
    report::make_reporter(format, o)->write({sample()}, out);
    return out.str();
}
}  // namespace

TEST_CASE("masking keeps the provider prefix and a few characters at each end") {
    CHECK(report::mask_secret("sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz") == "sk-proj-AbCd…WxYz");
    CHECK(report::mask_secret(std::string("AK") + "IAABCDEFGHIJKLMNOP") == "AKIA…MNOP");
    CHECK(report::mask_secret("short") == "s…t");
    CHECK(report::hide_in("a=KEY; b=KEY", "KEY", {SecretDisplay::kRedacted, 0}) == "a=REDACTED; b=REDACTED");
    CHECK(report::shown_secret("0123456789", {SecretDisplay::kPartial, 40}) == "01******89");
    CHECK(report::shown_secret("0123456789", {SecretDisplay::kPartial, 0}) == "**********");
}

TEST_CASE("text report: grouped by file, masked by default, remediation and what to do; never leaks with --redact") {
    const std::string secret = sample().secret;
    const std::string masked = render("text");
    CHECK(masked.find("src/app.py\n  src/app.py:3:9") != std::string::npos);
    CHECK(masked.find("demo-rule") != std::string::npos);
    CHECK(masked.find(secret) == std::string::npos);
    CHECK(masked.find("fix: Revoke it at https://demo.invalid/keys") != std::string::npos);
    CHECK(masked.find("What to do") != std::string::npos);
    CHECK(render("text", SecretDisplay::kFull).find(secret) != std::string::npos);
    const std::string redacted = render("text", SecretDisplay::kRedacted);
    CHECK(redacted.find(secret) == std::string::npos);
    CHECK(redacted.find("REDACTED") != std::string::npos);
}

TEST_CASE("json and jsonl carry every field; machine formats show the secret unless redacted") {
    const auto j = nlohmann::json::parse(render("json"));
    REQUIRE(j.size() == 1);
    for (const char* key : {"rule_id", "description", "path", "line", "column", "end_line", "end_column", "offset", "secret", "match",
                            "line_text", "entropy", "fingerprint", "binary", "tags", "remediation"})
        CHECK_MESSAGE(j[0].contains(key), key);
    CHECK(j[0]["secret"] == sample().secret);
    const std::string lines = render("jsonl");
    CHECK(std::count(lines.begin(), lines.end(), '\n') == 1);
    CHECK(nlohmann::json::parse(lines)["fingerprint"] == sample().fingerprint);
    for (const char* fmt : {"json", "jsonl", "csv", "sarif", "junit", "text"}) {
        const std::string r = render(fmt, SecretDisplay::kRedacted);
        CHECK_MESSAGE(r.find(sample().secret) == std::string::npos, fmt);
        const std::string p = render(fmt, SecretDisplay::kPartial, 20);
        CHECK_MESSAGE(p.find(sample().secret) == std::string::npos, fmt);
    }
}

TEST_CASE("csv quotes fields and has a header") {
    const std::string csv = render("csv");
    CHECK(csv.rfind("rule_id,description,path,line,column", 0) == 0);
    CHECK(csv.find("demo-rule,Demo,src/app.py,3,9,3,42,") != std::string::npos);
}

TEST_CASE("sarif 2.1.0 has the fields GitHub code scanning reads, and masks secrets") {
    const auto doc = nlohmann::json::parse(render("sarif"));
    CHECK(doc["version"] == "2.1.0");
    const auto& run = doc["runs"][0];
    const auto& rule = run["tool"]["driver"]["rules"][0];
    CHECK(rule["id"] == "demo-rule");
    CHECK(rule["name"] == "DemoRule");
    CHECK(rule["shortDescription"]["text"] == "Demo");
    CHECK(rule["help"]["text"].get<std::string>().find("demo.invalid") != std::string::npos);
    const auto& res = run["results"][0];
    CHECK(res["ruleId"] == "demo-rule");
    CHECK(res["level"] == "error");
    const auto& loc = res["locations"][0]["physicalLocation"];
    CHECK(loc["artifactLocation"]["uri"] == "src/app.py");
    CHECK(loc["region"]["startLine"] == 3);
    CHECK(loc["region"]["startColumn"] == 9);
    CHECK(loc["region"]["endColumn"] == 43);
    CHECK(res["partialFingerprints"]["keyfence/v1"] == sample().fingerprint);
    CHECK(doc.dump().find(sample().secret) == std::string::npos);
}

TEST_CASE("junit: one failing case per finding, one passing case when clean") {
    const std::string x = render("junit");
    CHECK(x.find("failures=\"1\"") != std::string::npos);
    CHECK(x.find("<failure message=\"Demo\" type=\"demo-rule\">") != std::string::npos);
    std::ostringstream clean;
    report::make_reporter("junit", {})->write({}, clean);
    CHECK(clean.str().find("name=\"no secrets found\"") != std::string::npos);
}

TEST_CASE("filter-repo: one literal line per distinct secret, PEM bodies line by line, never with --redact") {
    Finding pem = sample();
    pem.secret = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\nQ29sZ4aP5Rq\n-----END RSA PRIVATE KEY-----";
    std::ostringstream out;
    report::make_reporter("filter-repo", {})->write({sample(), sample(), pem}, out);
    const std::string text = out.str();
    CHECK(text.find("literal:" + sample().secret + "==>REDACTED\n") != std::string::npos);
    CHECK(text.find("literal:MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo==>REDACTED\n") != std::string::npos);
    CHECK(text.find("QRq") == std::string::npos);       // too short to replace history-wide
    CHECK(text.find("-----BEGIN") == std::string::npos);  // armour lines stay
    CHECK(std::count(text.begin(), text.end(), '\n') == 3);  // comment + 2 expressions
    report::ReportOptions redacted;
    redacted.secrets.display = SecretDisplay::kRedacted;
    CHECK_THROWS_AS(report::make_reporter("filter-repo", redacted), Error);
}

TEST_CASE("baseline: hashes only, sorted, deduplicated; gitleaks reports work as baselines") {
    Finding a = sample(), b = sample();
    b.fingerprint = "00000000000000000000000000000000";
    b.secret = "another-secret-value-9f8e7d";
    const std::string text = report::baseline_text({a, b, a});
    CHECK(text.find(a.secret) == std::string::npos);
    CHECK(text.find(b.secret) == std::string::npos);
    CHECK(text.find("\"line\"") == std::string::npos);
    CHECK(text.find("\"path\"") == std::string::npos);
    CHECK(text.find(b.fingerprint) < text.find(a.fingerprint));
    CHECK(nlohmann::json::parse(text)["entries"].size() == 2);
}

TEST_CASE("an unknown format is an error") { CHECK_THROWS_AS(report::make_reporter("yaml", {}), Error); }

TEST_CASE(".keyfenceignore: fingerprints, fingerprint:path, comments and blanks") {
    const auto list = report::IgnoreList::parse("# reviewed 2026-11\n\n  0123456789abcdef0123456789abcdef  # fixture\r\nffff0000ffff0000ffff0000ffff0000:src/only.py\n#ffffffffffffffffffffffffffffffff\n");
    CHECK(list.size() == 2);
    Finding f = sample();
    CHECK(list.ignores(f));  // sample()'s fingerprint, with trailing comment and CRLF
    f.fingerprint = "ffff0000ffff0000ffff0000ffff0000";
    CHECK_FALSE(list.ignores(f));  // only in src/only.py
    f.path = "src/only.py";
    CHECK(list.ignores(f));
    f.fingerprint = "ffffffffffffffffffffffffffffffff";
    CHECK_FALSE(list.ignores(f));  // commented out
}

namespace {
report::ConfigChange sample_change() {
    report::ConfigChange c;
    c.base = "1111111111111111111111111111111111111111";
    c.head = "2222222222222222222222222222222222222222";
    c.rules_from = "the base";
    c.rules_file_changed = true;
    c.ignore_file_changed = true;
    c.added_allowlists = {"global: paths=[.*] (x:.keyfence.toml:4)"};
    c.disabled_rules = {"aws-access-key"};
    c.added_fingerprints = {"0123456789abcdef0123456789abcdef"};
    return c;
}
std::string render(std::string_view format, const report::ReportOptions& o, const std::vector<Finding>& findings) {
    std::ostringstream out;
    report::make_reporter(format, o)->write(findings, out);
    return out.str();
}
}  // namespace

TEST_CASE("config change: every format reports it; none shows anything when there is none") {
    report::ReportOptions with;
    with.config_change = sample_change();
    report::ReportOptions unchanged;
    unchanged.config_change = report::ConfigChange{};  // a range that leaves the config alone
    for (const char* format : {"text", "json", "jsonl", "csv", "sarif", "junit"}) {
        INFO(format);
        const std::string shown = render(format, with, {sample()});
        CHECK(shown.find("paths=[.*]") != std::string::npos);
        CHECK(shown.find("aws-access-key") != std::string::npos);
        CHECK(shown.find("0123456789abcdef0123456789abcdef") != std::string::npos);
        CHECK(render(format, unchanged, {sample()}) == render(format, {}, {sample()}));
    }
    // json stays an array of objects; the change is its first element, without rule_id.
    const auto j = nlohmann::json::parse(render("json", with, {sample()}));
    REQUIRE(j.is_array());
    REQUIRE(j.size() == 2);
    CHECK_FALSE(j[0].contains("rule_id"));
    CHECK(j[0]["config_change"]["files"] == nlohmann::json::array({".keyfence.toml", ".keyfenceignore"}));
    CHECK(j[0]["config_change"]["disabled_rules"][0] == "aws-access-key");
    CHECK(j[1]["rule_id"] == "demo-rule");
    // sarif: a tool configuration notification on the invocation, the structured change in run properties.
    auto change = sample_change();
    change.fails_gate = true;
    report::ReportOptions strict;
    strict.config_change = change;
    const auto s = nlohmann::json::parse(render("sarif", strict, {}));
    const auto& note = s["runs"][0]["invocations"][0]["toolConfigurationNotifications"][0];
    CHECK(note["level"] == "error");
    CHECK(note["descriptor"]["id"] == "keyfence/config-change");
    CHECK(s["runs"][0]["properties"]["keyfenceConfigChange"]["fails_gate"] == true);
    // junit: skipped (visible) normally, a failure under --strict-config.
    CHECK(render("junit", with, {}).find("<skipped message=") != std::string::npos);
    const std::string failed = render("junit", strict, {});
    CHECK(failed.find("type=\"config-change\"") != std::string::npos);
    CHECK(failed.find("failures=\"1\"") != std::string::npos);
}

TEST_CASE(".keyfenceignore: added_since lists what the newer list adds, once each") {
    const auto base = report::IgnoreList::parse("aaaa\nbbbb:x.py\n");
    const auto head = report::IgnoreList::parse("aaaa\ncccc\nbbbb\ncccc\n");
    CHECK(head.added_since(base) == std::vector<std::string>{"cccc", "bbbb"});
    CHECK(base.added_since(base).empty());
}
