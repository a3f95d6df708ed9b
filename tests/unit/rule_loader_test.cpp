#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/error.hpp"
#include "rules/rule_codec.hpp"
#include "rules/rule_set.hpp"
#include "support/run.hpp"

using namespace keyfence;
using rules::parse_rule_text;

namespace {
std::string error_of(const std::string& text) {
    try {
        parse_rule_text(text, "cfg.toml", ".");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}
bool has_rule(const rules::RuleSet& rs, const std::string& id) {
    return std::any_of(rs.rules.begin(), rs.rules.end(), [&](const rules::Rule& r) { return r.id == id; });
}
}  // namespace

TEST_CASE("a gitleaks-style config loads unchanged, with every schema key") {
    const auto rs = parse_rule_text(R"(
title = "team rules"

[[rules]]
id = "internal-token"
description = "Internal token"
regex = '''(?i)internal[_-]?token\s*=\s*["']?([a-z0-9]{32})'''
secretGroup = 1
entropy = 3.5
keywords = ["Internal"]
path = '''\.env$'''
tags = ["internal", "token"]
[[rules.allowlists]]
description = "fixtures"
condition = "AND"
paths = ['''fixtures/''']
regexes = ['''^0+$''']
regexTarget = "match"
stopwords = ["Dummy"]
commits = ["abc123"]

[allowlist]
description = "global"
paths = ['''vendor/''']

[[allowlists]]
targetRules = ["internal-token"]
regexTarget = "line"
regexes = ['''nosecret''']
)",
                                    "cfg.toml", ".");
    REQUIRE(rs.rules.size() == 1);
    const auto& r = rs.rules[0];
    CHECK(rs.title == "team rules");
    CHECK(r.id == "internal-token");
    CHECK(r.secret_group == 1);
    CHECK(r.entropy == doctest::Approx(3.5));
    CHECK(r.keywords == std::vector<std::string>{"internal"});  // lowercased
    CHECK(r.path == "\\.env$");
    REQUIRE(r.allowlists.size() == 1);
    CHECK(r.allowlists[0].condition == rules::Condition::kAnd);
    CHECK(r.allowlists[0].regex_target == rules::RegexTarget::kMatch);
    CHECK(r.allowlists[0].stopwords == std::vector<std::string>{"dummy"});
    CHECK(r.allowlists[0].commits == std::vector<std::string>{"abc123"});
    REQUIRE(rs.allowlists.size() == 2);
    CHECK(rs.allowlists[1].target_rules == std::vector<std::string>{"internal-token"});
    CHECK(rs.allowlists[1].regex_target == rules::RegexTarget::kLine);
}

TEST_CASE("invalid TOML names the file, line and column") {
    const std::string msg = error_of("title = \"x\"\n[[rules]]\nid = \"a\nregex = 'b'\n");
    CHECK(msg.find("cfg.toml:3:") != std::string::npos);
    CHECK(msg.find("invalid TOML") != std::string::npos);
}

TEST_CASE("unknown keys are errors naming file and line; unused gitleaks keys are warnings") {
    const std::string msg = error_of("[[rules]]\nid = \"a\"\nregex = 'x+'\nregexx = 'typo'\n");
    CHECK(msg.find("cfg.toml:4") != std::string::npos);
    CHECK(msg.find("regexx") != std::string::npos);
    const auto rs = parse_rule_text("minVersion = \"v8.0.0\"\n[[rules]]\nid = \"a\"\nregex = 'x+'\nskipReport = true\n", "cfg.toml", ".");
    CHECK(rs.warnings.size() == 1);  // minVersion; skipReport is used now
    REQUIRE(rs.rules.size() == 1);
    CHECK(rs.rules[0].skip_report);
}

TEST_CASE("composite rules: [[rules.required]] with withinLines / withinColumns, checked where they are written") {
    const auto rs = parse_rule_text("[[rules]]\nid = \"a\"\nregex = 'x+'\n[[rules.required]]\nid = \"b\"\nwithinLines = 3\n"
                                    "[[rules.required]]\nid = \"c\"\nwithinColumns = 40\n[[rules]]\nid = \"b\"\nregex = 'y+'\n"
                                    "[[rules]]\nid = \"c\"\nregex = 'z+'\n",
                                    "cfg.toml", ".");
    CHECK(rs.warnings.empty());
    REQUIRE(rs.rules[0].required.size() == 2);
    CHECK(rs.rules[0].required[0] == rules::RequiredRule{"b", 3, std::nullopt});
    CHECK(rs.rules[0].required[1] == rules::RequiredRule{"c", std::nullopt, 40});
    CHECK(error_of("[[rules]]\nid = \"a\"\nregex = 'x+'\n[[rules.required]]\nid = \"b\"\nwithinLines = -1\n").find("cfg.toml:4: rule 'a': withinLines must be a non-negative integer") != std::string::npos);
    CHECK(error_of("[[rules]]\nid = \"a\"\nregex = 'x+'\n[[rules.required]]\nwithinLines = 1\n").find("a required rule has no 'id'") != std::string::npos);
    CHECK(error_of("[[rules]]\nid = \"a\"\nregex = 'x+'\n[[rules.required]]\nid = \"b\"\nwithin = 1\n").find("unknown required rule key 'within'") != std::string::npos);
}

TEST_CASE("a rule needs an id and a regex (or a path), ids are unique") {
    CHECK(error_of("[[rules]]\nregex = 'x+'\n").find("has no 'id'") != std::string::npos);
    CHECK(error_of("[[rules]]\nid = \"a\"\n").find("has no 'regex'") != std::string::npos);
    CHECK(error_of("[[rules]]\nid = \"a\"\nregex = 'x+'\n[[rules]]\nid = \"a\"\nregex = 'y+'\n").find("duplicate rule id 'a'") !=
          std::string::npos);
    CHECK(error_of("[[rules]]\nid = \"a\"\nregex = 'x+'\nsecretGroup = \"one\"\n").find("must be a number") != std::string::npos);
    CHECK(error_of("[[rules]]\nid = \"a\"\nregex = 'x+'\n[[rules.allowlists]]\ncondition = \"XOR\"\n").find("condition") !=
          std::string::npos);
}

TEST_CASE("[extend] useDefault layers a file on the built-in rules; disabledRules removes some") {
    const auto builtin = rules::load_builtin_rules();
    REQUIRE(has_rule(builtin, "openai-project-key"));
    REQUIRE(has_rule(builtin, "github-personal-access-token"));
    const auto rs = parse_rule_text(R"(
[extend]
useDefault = true
disabledRules = ["github-personal-access-token"]
[[rules]]
id = "my-rule"
regex = '''mytok_[a-z]{20}'''
)",
                                    "cfg.toml", ".");
    CHECK(has_rule(rs, "openai-project-key"));
    CHECK(has_rule(rs, "my-rule"));
    CHECK_FALSE(has_rule(rs, "github-personal-access-token"));
    CHECK(rs.rules.size() == builtin.rules.size());
}

TEST_CASE("[extend] path loads a base file relative to the extending one; same ids are replaced") {
    test::TempDir dir;
    dir.write("base.toml", "[[rules]]\nid = \"a\"\nregex = 'aaa[0-9]+'\n[[rules]]\nid = \"b\"\nregex = 'bbb[0-9]+'\n");
    const auto top = dir.write("top.toml", "[extend]\npath = \"base.toml\"\n[[rules]]\nid = \"b\"\nregex = 'BBB[0-9]+'\n");
    const auto rs = rules::load_rule_file(top);
    REQUIRE(rs.rules.size() == 2);
    CHECK(rs.rules[1].regex == "BBB[0-9]+");
    const auto loop = dir.write("loop.toml", "[extend]\npath = \"loop.toml\"\n");
    CHECK_THROWS_AS(rules::load_rule_file(loop), Error);
}

TEST_CASE("the rule digest changes with anything the database depends on") {
    const auto a = parse_rule_text("[[rules]]\nid = \"a\"\nregex = 'x+y'\n", "c", ".");
    const auto b = parse_rule_text("[[rules]]\nid = \"a\"\nregex = 'x+z'\n", "c", ".");
    const auto a2 = parse_rule_text("[[rules]]\nid = \"a\"\nregex = 'x+y'\ndescription = \"d\"\n", "c", ".");
    CHECK(a.digest() != b.digest());
    CHECK(a.digest() == a2.digest());
    CHECK(a.digest().size() == 64);
}

TEST_CASE("a rule set survives encoding unchanged, and damaged bytes are refused") {
    auto rs = parse_rule_text(R"(
title = "packed"
[[rules]]
id = "tok"
description = "Token"
regex = '''tok_([a-z0-9]{24})'''
secretGroup = 1
entropy = 3.25
keywords = ["tok_"]
tags = ["t"]
examples = ["tok_abcdefghijklmnopqrstuvwx"]
negatives = ["tok_short"]
remediation = "Revoke it."
[[rules.allowlists]]
condition = "AND"
paths = ['''fixtures/''']
regexTarget = "line"
stopwords = ["dummy"]
[rules.validate]
method = "POST"
url = "https://api.example.com/v1/check?k={{secret}}"
headers = ["Authorization: Bearer {{secret}}"]
body = '{"token": "{{secret}}"}'
live = [200, 204]
invalid = [401]
liveField = "ok"
[[rules.required]]
id = "path-only"
withinLines = 2
withinColumns = 7
[[rules]]
id = "path-only"
path = '''\.pem$'''
skipReport = true
[[allowlists]]
targetRules = ["tok"]
commits = ["abc123"]
)",
                              "packed.toml", ".");
    rs.warnings.push_back("a loader note");
    const std::string bytes = rules::encode_rule_set(rs);
    const auto back = rules::decode_rule_set(bytes);
    REQUIRE(back.has_value());
    CHECK(*back == rs);
    CHECK_FALSE(back->rules[1].entropy.has_value());
    REQUIRE(back->rules[0].validate.has_value());
    CHECK(back->rules[0].validate->live == std::vector<int>{200, 204});
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) CHECK_FALSE(rules::decode_rule_set(bytes.substr(0, cut)).has_value());
    CHECK_FALSE(rules::decode_rule_set(bytes + "x").has_value());
}

TEST_CASE("the built-in rules are packed at build time with their source locations") {
    const auto builtin = rules::load_builtin_rules();
    CHECK(builtin.rules.size() > 100);
    CHECK(builtin.source == "built-in rules");
    for (const auto& r : builtin.rules) {
        CHECK_MESSAGE(r.origin.starts_with("rules/"), r.origin);
        CHECK_MESSAGE(!r.examples.empty(), r.id);
    }
}

TEST_CASE("parse_rule_text_with: [extend] path goes through the given reader, relative to the including file") {
    std::vector<std::pair<std::string, std::string>> asked;  // path, dir
    const rules::ExtendReader read = [&](const std::string& path, const std::string& dir) {
        asked.emplace_back(path, dir);
        if (path == "conf/base.toml") return rules::IncludedFile{"[extend]\npath = \"more.toml\"\n[[rules]]\nid = \"a\"\nregex = 'aaa'\n", "c:conf/base.toml", "conf"};
        if (path == "more.toml" && dir == "conf") return rules::IncludedFile{"[[rules]]\nid = \"b\"\nregex = 'bbb'\n", "c:conf/more.toml", "conf"};
        throw Error("no " + path);
    };
    const auto rs = rules::parse_rule_text_with("[extend]\npath = \"conf/base.toml\"\n", "c:.keyfence.toml", "", read);
    CHECK(has_rule(rs, "a"));
    CHECK(has_rule(rs, "b"));
    REQUIRE(asked.size() == 2);
    CHECK(asked[0] == std::pair<std::string, std::string>{"conf/base.toml", ""});
    CHECK(asked[1] == std::pair<std::string, std::string>{"more.toml", "conf"});
    CHECK_THROWS_WITH_AS(rules::parse_rule_text_with("[extend]\npath = \"gone.toml\"\n", "x", "", read), "no gone.toml", Error);
}

TEST_CASE("loosening: added allowlists (global and per rule), removed and redefined rules; moving text is no change") {
    const auto base = parse_rule_text(R"(
[[rules]]
id = "a"
regex = 'aaa[0-9]{8}'
[[rules]]
id = "b"
regex = 'bbb[0-9]{8}'
[[allowlists]]
paths = ['''^vendor/''']
)", "base.toml", ".");
    // Same content, other lines: nothing loosened.
    const auto moved = parse_rule_text("\n\n\n[[allowlists]]\npaths = ['''^vendor/''']\n[[rules]]\nid = \"b\"\nregex = 'bbb[0-9]{8}'\n"
                                       "[[rules]]\nid = \"a\"\nregex = 'aaa[0-9]{8}'\n", "head.toml", ".");
    CHECK(rules::loosening(base, moved).empty());

    const auto head = parse_rule_text(R"(
[[rules]]
id = "a"
regex = 'aaa'
[[rules.allowlists]]
regexes = ['''.*''']
[[allowlists]]
paths = ['''^vendor/''']
[[allowlists]]
description = "everything"
paths = ['''.*''']
)", "head.toml", ".");
    const rules::Loosening l = rules::loosening(base, head);
    REQUIRE(l.added_allowlists.size() == 2);
    CHECK(l.added_allowlists[0] == "global: \"everything\" paths=[.*] (head.toml:9)");
    CHECK(l.added_allowlists[1] == "rule a: regexes=[.*] (head.toml:5)");
    CHECK(l.removed_rules == std::vector<std::string>{"b"});
    CHECK(l.changed_rules == std::vector<std::string>{"a"});
    // The other way round only tightens.
    const rules::Loosening back = rules::loosening(head, base);
    CHECK(back.added_allowlists.empty());
    CHECK(back.removed_rules.empty());
}

TEST_CASE("[rules.validate]: HTTPS to a fixed host, GET or POST, headers as \"Name: value\", statuses 100-599") {
    auto with = [](const std::string& table) { return "[[rules]]\nid = \"a\"\nregex = 'x+'\n[rules.validate]\n" + table; };
    const auto rs = parse_rule_text(with("url = 'https://api.example.com/v1/me'\nheaders = ['x-api-key: {{secret}}']\n"), "cfg.toml", ".");
    CHECK(rs.rules[0].validate->headers == std::vector<std::string>{"x-api-key: {{secret}}"});
    REQUIRE(rs.rules[0].validate.has_value());
    CHECK(rs.rules[0].validate->method == "GET");
    CHECK(rs.rules[0].validate->live == std::vector<int>{200});
    CHECK(rs.rules[0].validate->invalid == std::vector<int>{401, 403});
    for (const char* url : {"http://api.example.com/", "https://{{secret}}.example.com/", "https://user:{{secret}}@api.example.com/", "ftp://x"})
        CHECK_MESSAGE(error_of(with(std::string("url = '") + url + "'\n")).find("validate url must be https://HOST") != std::string::npos, url);
    CHECK(error_of(with("url = 'https://a.example/'\nmethod = 'DELETE'\n")).find("GET or POST") != std::string::npos);
    CHECK(error_of(with("url = 'https://a.example/'\nheaders = ['no colon']\n")).find("Name: value") != std::string::npos);
    CHECK(error_of(with("url = 'https://a.example/'\nlive = [42]\n")).find("HTTP statuses") != std::string::npos);
    CHECK(error_of(with("url = 'https://a.example/'\nverb = 'GET'\n")).find("unknown validate key 'verb'") != std::string::npos);
    CHECK(error_of(with("url = 'https://a.example/'\n")).find("validate never sends {{secret}}") != std::string::npos);
    CHECK(error_of(with("url = 'https://a.example/?k={{secret}}'\nheaders = ['X-Id: {{account}}']\n"))
              .find("template '{{account}}' is neither {{secret}} nor a named group") != std::string::npos);
}

TEST_CASE("[rules.validate] for pairs: named groups as templates, basicAuth, awsSigV4 that never sends the secret") {
    auto with = [](const std::string& regex, const std::string& table) {
        return "[[rules]]\nid = \"a\"\nregex = '''" + regex + "'''\n[rules.validate]\n" + table;
    };
    const std::string pair = R"(\b(?P<sid>AC[0-9a-f]{32})\s+([0-9a-f]{32}))";
    auto rs = parse_rule_text(with(pair, "url = 'https://api.example.com/{{sid}}.json'\nbasicAuth = '{{sid}}:{{secret}}'\n"), "cfg.toml", ".");
    CHECK(rs.rules[0].validate->basic_auth == "{{sid}}:{{secret}}");
    CHECK(error_of(with(pair, "url = 'https://api.example.com/{{account}}.json'\nbasicAuth = '{{sid}}:{{secret}}'\n"))
              .find("template '{{account}}' is neither") != std::string::npos);
    CHECK(error_of(with(pair, "url = 'https://api.example.com/'\nbasicAuth = '{{secret}}'\n")).find("USER:PASSWORD") != std::string::npos);

    const std::string aws = R"(\b(?P<keyid>AKIA[A-Z2-7]{16})\b\s+([A-Za-z0-9/+]{40}))";
    rs = parse_rule_text(with(aws, "method = 'POST'\nurl = 'https://sts.example.com/'\nawsSigV4 = { keyId = '{{keyid}}' }\n"), "cfg.toml", ".");
    REQUIRE(rs.rules[0].validate->aws_sigv4.has_value());
    CHECK(rs.rules[0].validate->aws_sigv4->key_id == "{{keyid}}");
    CHECK(rs.rules[0].validate->aws_sigv4->region == "us-east-1");
    CHECK(rs.rules[0].validate->aws_sigv4->service == "sts");
    // With a signature the secret must not travel as well.
    CHECK(error_of(with(aws, "url = 'https://sts.example.com/'\nbody = 'k={{secret}}'\nawsSigV4 = { keyId = '{{keyid}}' }\n"))
              .find("with awsSigV4 the secret only signs the request") != std::string::npos);
    CHECK(error_of(with(aws, "url = 'https://sts.example.com/'\nawsSigV4 = { keyId = 'AKIA' }\n")).find("keyId must name the key id") !=
          std::string::npos);
    CHECK(error_of(with(aws, "url = 'https://sts.example.com/'\nawsSigV4 = { keyId = '{{keyid}}', region = 'US East' }\n"))
              .find("lowercase names") != std::string::npos);
}
