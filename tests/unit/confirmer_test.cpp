#include <doctest/doctest.h>

#include "support/engine_helpers.hpp"
#include "support/fake_keys.hpp"

using namespace keyfence;

namespace {
const char* kAssignRule = R"(
[[rules]]
id = "assign"
regex = '''(?i)(?:api|secret)_key\s*=\s*["']?([A-Za-z0-9]{20,40})'''
keywords = ["_key"]
entropy = 3.0
)";
}

TEST_CASE("the secret group, not the whole match, is the secret; line and column are of its first byte") {
    const auto engine = test::engine_of(kAssignRule);
    const std::string secret = test::random_chars(test::kBase62, 32, 1);
    const auto found = test::scan_text(engine, "# config\n  API_KEY = \"" + secret + "\"\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].secret == secret);
    CHECK(found[0].match.rfind("API_KEY", 0) == 0);
    CHECK(found[0].line == 2);
    CHECK(found[0].column == 14);
    CHECK(found[0].end_column == 14 + 31);
    CHECK(found[0].offset == 9 + 13);
    CHECK(found[0].line_text == "  API_KEY = \"" + secret + "\"");
}

TEST_CASE("secretGroup picks a group; without it the first group that matched is the secret") {
    const auto engine = test::engine_of(R"(
[[rules]]
id = "second"
regex = '''(user|svc)-([0-9a-f]{24})'''
secretGroup = 2
[[rules]]
id = "whole"
regex = '''whole_[0-9a-f]{24}'''
)");
    const std::string hex = test::random_chars("0123456789abcdef", 24, 3);
    auto found = test::scan_text(engine, "svc-" + hex + " whole_" + hex);
    REQUIRE(found.size() == 2);
    CHECK(found[0].secret == hex);
    CHECK(found[1].secret == "whole_" + hex);
}

TEST_CASE("entropy floor drops low-entropy values") {
    const auto engine = test::engine_of(kAssignRule);
    confirm::SuppressionCounts counts;
    CHECK(test::scan_text(engine, "api_key = 'abbaabbaabbaabbaab12'", "f", &counts).empty());
    CHECK(counts.entropy == 1);
}

TEST_CASE("keywords gate a rule: without one in the input the rule does not run") {
    const auto engine = test::engine_of(R"(
[[rules]]
id = "ctx"
regex = '''\bsk-[a-f0-9]{32}\b'''
keywords = ["deepseek"]
)");
    const std::string key = "sk-" + test::random_chars("0123456789abcdef", 32, 4);
    CHECK(test::scan_text(engine, "KEY=" + key).empty());
    CHECK(test::scan_text(engine, "DEEPSEEK_KEY=" + key).size() == 1);
}

TEST_CASE("inline allow markers silence the line, in every spelling") {
    const auto& engine = test::builtin_engine();
    const std::string key = test::openai_project();
    CHECK(test::scan_text(engine, "k = '" + key + "'\n").size() == 1);
    for (const char* marker : {"# keyfence:allow", "// gitleaks:allow", "# pragma: allowlist secret"}) {
        confirm::SuppressionCounts counts;
        CHECK(test::scan_text(engine, "k = '" + key + "'  " + marker + "\n", "f", &counts).empty());
        CHECK(counts.inline_allow == 1);
    }
    // The marker on another line does not silence this one.
    CHECK(test::scan_text(engine, "# keyfence:allow\nk = '" + key + "'\n").size() == 1);
}

TEST_CASE("rule allowlists: OR and AND conditions, stopwords, regex targets") {
    const auto engine = test::engine_of(R"(
[[rules]]
id = "tok"
regex = '''tok_([A-Za-z0-9]{20})'''
[[rules.allowlists]]
stopwords = ["sample"]
[[rules.allowlists]]
condition = "AND"
paths = ['''^tests/''']
regexes = ['''^fixture''']
regexTarget = "line"
)");
    const std::string s = test::random_chars(test::kBase62, 20, 5);
    CHECK(test::scan_text(engine, "tok_" + s).size() == 1);
    CHECK(test::scan_text(engine, "tok_SAMPLE" + s.substr(6)).empty());  // stopword, any case
    CHECK(test::scan_text(engine, "fixture tok_" + s, "tests/a.txt").empty());  // both AND criteria hold
    CHECK(test::scan_text(engine, "fixture tok_" + s, "src/a.txt").size() == 1);  // only one holds
    CHECK(test::scan_text(engine, "real tok_" + s, "tests/a.txt").size() == 1);
}

TEST_CASE("global allowlists apply to their target rules only") {
    const auto engine = test::engine_of(R"(
[[rules]]
id = "a"
regex = '''aaa_[0-9]{10}'''
[[rules]]
id = "b"
regex = '''bbb_[0-9]{10}'''
[[allowlists]]
targetRules = ["a"]
paths = ['''\.lock$''']
)");
    const auto found = test::scan_text(engine, "aaa_8302749165 bbb_8302749165", "deps.lock");
    REQUIRE(found.size() == 1);
    CHECK(found[0].rule_id == "b");
}

TEST_CASE("published example values (rules/public-examples.toml) are never findings; keys of their shape are") {
    const auto& engine = test::builtin_engine();
    // Each value, and whether the list is what keeps it out: AWS's values end in EXAMPLE / EXAMPLEKEY,
    // which the placeholder check already knows, so for them the list is documentation.
    const std::pair<std::string, bool> published[] = {
        {"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
         "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
         true},
        // jwt.io's payload re-signed with another secret in the debugger
        {"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0."
         "KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30",
         true},
        // another payload under jwt.io's default signature: a forged demo, valid nowhere
        {"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI5ODc2NTQzMjEiLCJyb2xlIjoiYWRtaW4iLCJpYXQiOjE1MTYyMzkwMjJ9."
         "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
         true},
        {"sk_test_4eC39HqLyjWDarjtT1zdp7dc", true},
        {"sk_test_BQokikJOvBiI2HlWgH4olfQ2", true},
        {"AKIAIOSFODNN7EXAMPLE", false},
        {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", false},
        {"je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", false},
    };
    for (const auto& [value, by_list] : published) {
        CAPTURE(value);
        confirm::SuppressionCounts counts;
        // A neutral name, so that no generic assignment rule counts an allowlist of its own.
        CHECK(test::scan_text(engine, "x = \"" + value + "\"\n", "app.py", &counts).empty());
        if (by_list) CHECK(counts.allowlist == 1);
    }
    // The same shapes with other values are still found: the list names values, not formats.
    const std::string jwt_other_payload =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3NTQ2Mzg4IiwibmFtZSI6IlRhbyBCcmFuZHQiLCJpYXQiOjE3MDUyMjY1NzMsImV4cCI6MTgwNDEzMjc3N30."
        "lo8cA5OOVvizD2S-li42PQnulzp3hKMfqh9ZPdWPJmD";
    CHECK(test::scan_text(engine, "token = \"" + jwt_other_payload + "\"\n", "app.py").size() == 1);
    const std::string stripe_other = "sk_test_" + test::random_chars(test::kBase62, 24, 41);
    const auto found = test::scan_text(engine, "stripe.api_key = \"" + stripe_other + "\"\n", "app.py");
    REQUIRE(found.size() == 1);
    CHECK(found[0].rule_id == "stripe-test-secret-key");
}

TEST_CASE("a value in an Authorization header is a finding whatever its shape, and one key gives one finding") {
    const auto& engine = test::builtin_engine();
    const std::string hex40 = test::random_chars("0123456789abcdef", 40, 51);
    const std::string deepseek_like = "sk-" + test::random_chars("0123456789abcdef", 32, 52);
    for (const std::string& line : {"curl -H \"Authorization: Bearer " + hex40 + "\" https://api.acme.io/v1/jobs\n",
                                    "headers = {\"Authorization\": \"Bearer " + deepseek_like + "\"}\n",
                                    "req.Header.Set(\"Authorization\", \"token " + hex40 + "\")\n"}) {
        CAPTURE(line);
        const auto found = test::scan_text(engine, line, "client.go");
        REQUIRE(found.size() == 1);
        CHECK(found[0].rule_id == "authorization-header-token");
    }
    // Mistral's keys have no prefix: its rule (the provider named on the line) and the header rule both
    // confirm the same bytes; the provider's finding is the one kept.
    const std::string mistral = test::random_chars(test::kBase62, 32, 53);
    const auto found = test::scan_text(engine, "curl https://api.mistral.ai/v1/models -H \"Authorization: Bearer " + mistral + "\"\n", "run.sh");
    REQUIRE(found.size() == 1);
    CHECK(found[0].rule_id == "mistral-api-key");
    CHECK(found[0].secret == mistral);
}

TEST_CASE("a .env declares its secrets by name: every line ending in _KEY, _SECRET, _TOKEN, _PASSWORD is one finding") {
    const auto& engine = test::builtin_engine();
    const std::vector<std::string> values = {test::random_chars(test::kBase62, 32, 61), test::random_chars("0123456789abcdef", 64, 62),
                                             test::random_chars(test::kBase62, 24, 63), test::random_chars(test::kBase62, 40, 64)};
    // Consecutive lines: a match must not eat the newline the next line's match starts from.
    const std::string env = "ENCRYPTION_KEY=" + values[0] + "\nSIGNING_KEY=" + values[1] + "\nexport MASTER_KEY=\"" + values[2] +
                            "\"\nJWT_SIGNING_SECRET=" + values[3] + "\nSTRIPE_PUBLISHABLE_KEY=" + values[0] + "\nSESSION_KEY=${SESSION_KEY}\n";
    const auto found = test::scan_text(engine, env, "deploy/.env.production");
    REQUIRE(found.size() == 4);  // JWT_SIGNING_SECRET is also a generic assignment: still one finding
    for (std::size_t i = 0; i < 4; ++i) CHECK(found[i].secret == values[i]);
    CHECK(found[0].rule_id == "dotenv-declared-secret");
    // A provider's verdict stands: a GitHub token failing its checksum is not reported as a declared secret.
    confirm::SuppressionCounts counts;
    CHECK(test::scan_text(engine, "GITHUB_TOKEN=" + test::base62_crc32_token("ghp", 11, false) + "\n", ".env", &counts).empty());
    CHECK(counts.checksum == 1);
    CHECK(test::scan_text(engine, "GITHUB_TOKEN=" + test::base62_crc32_token("ghp", 11) + "\n", ".env")[0].rule_id != "dotenv-declared-secret");
    // The same lines in an example file are meant to be replaced; in code they are not .env lines at all.
    CHECK(test::scan_text(engine, "ENCRYPTION_KEY=" + values[0] + "\n", ".env.example").empty());
    CHECK(test::scan_text(engine, "ENCRYPTION_KEY=" + values[0] + "\n", "notes.txt").empty());
}

TEST_CASE("tokens failing their checksum are not secrets") {
    const auto& engine = test::builtin_engine();
    confirm::SuppressionCounts counts;
    CHECK(test::scan_text(engine, "t = " + test::base62_crc32_token("ghp", 11) + "\n").size() == 1);
    CHECK(test::scan_text(engine, "t = " + test::base62_crc32_token("ghp", 11, false) + "\n", "f", &counts).empty());
    CHECK(counts.checksum == 1);
    CHECK(test::scan_text(engine, "//registry.npmjs.org/:_authToken=" + test::base62_crc32_token("npm", 12) + "\n").size() == 1);
}

TEST_CASE("two keys on one line, keys inside URLs, CRLF and non-ASCII neighbours are all found") {
    const auto& engine = test::builtin_engine();
    const std::string a = test::openai_legacy(21), b = test::anthropic_api03(22);
    auto found = test::scan_text(engine, "keys: " + a + " " + b + "\r\n");
    REQUIRE(found.size() == 2);
    CHECK(found[0].secret == a);
    CHECK(found[1].secret == b);
    CHECK(found[1].line_text.back() != '\r');
    found = test::scan_text(engine, "https://api.example.com/v1?key=" + test::openrouter(23) + "&x=1\n");
    CHECK(found.size() == 1);
    found = test::scan_text(engine, "clé→" + a + "←fin\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].secret == a);
}

TEST_CASE("binary content is scanned and flagged; NUL bytes and invalid UTF-8 do not disturb matching") {
    const auto& engine = test::builtin_engine();
    const std::string key = test::stripe_live_secret(31);
    std::string blob("\x00\x01\xff\xfe", 4);
    blob += " " + key + " ";
    blob += std::string("\x00\xc3\x28\x80", 4);
    const auto found = test::scan_text(engine, blob);
    REQUIRE(found.size() == 1);
    CHECK(found[0].binary);
    CHECK(found[0].offset == 5);
}

TEST_CASE("fingerprints depend on rule and secret only") {
    const auto& engine = test::builtin_engine();
    const std::string key = test::openai_project(41);
    const auto a = test::scan_text(engine, "x = '" + key + "'\n", "a.py");
    const auto b = test::scan_text(engine, "\n\n\n  other = 1\ny = \"" + key + "\"\n", "b/c.py");
    REQUIRE(a.size() == 1);
    REQUIRE(b.size() == 1);
    CHECK(a[0].fingerprint == b[0].fingerprint);
    CHECK(a[0].fingerprint != test::scan_text(engine, "x = '" + test::openai_project(42) + "'\n")[0].fingerprint);
}

TEST_CASE("PEM private keys spanning many lines, also JSON-escaped") {
    const auto& engine = test::builtin_engine();
    std::string body;
    for (int i = 0; i < 25; ++i) body += test::random_chars(test::kBase62, 64, 100 + static_cast<std::uint64_t>(i)) + "\n";
    const std::string begin = std::string("-----BEGIN RSA ") + "PRIVATE KEY-----\n";
    const std::string end = std::string("-----END RSA ") + "PRIVATE KEY-----\n";
    auto found = test::scan_text(engine, "junk\n" + begin + body + end);
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 2);
    std::string escaped = begin + body + end;
    for (std::size_t p; (p = escaped.find('\n')) != std::string::npos;) escaped.replace(p, 1, "\\n");
    found = test::scan_text(engine, "{\"private_key\": \"" + escaped + "\"}");
    CHECK(found.size() == 1);
}

TEST_CASE("a 1 MB single line and an empty input scan cleanly") {
    const auto& engine = test::builtin_engine();
    CHECK(test::scan_text(engine, "").empty());
    std::string line(1 << 20, 'a');
    const std::string key = test::openai_project(51);
    line.replace(600000, key.size() + 2, " " + key + " ");
    const auto found = test::scan_text(engine, line);
    REQUIRE(found.size() == 1);
    CHECK(found[0].column == 600002);
    CHECK(found[0].line_text.size() < 1000);  // cut around the secret
}

TEST_CASE("a Kubernetes Secret manifest declares its values secret: stringData as given, data in base64, either key order") {
    const auto& engine = test::builtin_engine();
    const std::string plain = test::random_chars(test::kBase62, 20, 71);
    const std::string encoded = test::random_chars(test::kBase62, 32, 72);
    // kubectl get -o yaml sorts keys: data comes before kind. A --- separates documents, and a ConfigMap's
    // data after a Secret is not the Secret's.
    const std::string manifests = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  dsn: \"" + plain +
                                  "\"\n---\napiVersion: v1\ndata:\n  config.json: " + encoded + "\nkind: Secret\n---\nkind: Secret\n"
                                  "metadata:\n  name: empty\n---\nkind: ConfigMap\ndata:\n  settings: " + encoded + "\n";
    const auto found = test::scan_text(engine, manifests, "deploy/k8s/secrets.yaml");
    REQUIRE(found.size() == 2);
    CHECK(found[0].rule_id == "kubernetes-secret-stringdata");
    CHECK(found[0].secret == plain);
    CHECK(found[1].rule_id == "kubernetes-secret-data");
    CHECK(found[1].secret == encoded);
    // A Helm template's value is filled in at deploy time; outside YAML files the words mean nothing.
    CHECK(test::scan_text(engine, "kind: Secret\nstringData:\n  dsn: {{ .Values.dsn | quote }}\n", "templates/secret.yaml").empty());
    CHECK(test::scan_text(engine, manifests, "notes.txt").empty());
    // A data value decoding to a document (a config file kept in a Secret) is scanned as that document:
    // its placeholder is no finding, its password is one finding, decoded, and the encoded text is not another.
    const std::string secret_of = "apiVersion: v1\nkind: Secret\ndata:\n  config.yaml: ";
    CHECK(test::scan_text(engine, secret_of + test::base64_encode("database:\n  user: app\n  password: placeholder-value\n") + "\n", "secret.yaml").empty());
    const auto in_doc = test::scan_text(engine, secret_of + test::base64_encode("database:\n  user: app\n  password: " + plain + "\n") + "\n", "secret.yaml");
    REQUIRE(in_doc.size() == 1);
    CHECK(in_doc[0].secret == plain);
    CHECK(in_doc[0].encoding == "base64");
}

TEST_CASE("a Terraform variable marked sensitive = true: its committed default is the secret, whatever the variable's name") {
    const auto& engine = test::builtin_engine();
    const std::string first = test::random_chars(test::kBase62, 24, 81);
    const std::string second = test::random_chars(test::kBase62, 24, 82);
    const std::string tf = "variable \"db_master\" {\n  type      = string\n  default   = \"" + first +
                           "\"\n  sensitive = true\n}\n\nvariable \"zone\" {\n  default = \"" + second +
                           "\"\n}\n\nvariable \"hmac\" {\n  sensitive = true\n  default   = \"" + second + "\"\n}\n";
    const auto found = test::scan_text(engine, tf, "infra/variables.tf");
    REQUIRE(found.size() == 2);  // zone is not marked sensitive and its name says nothing
    CHECK(found[0].rule_id == "terraform-sensitive-default");
    CHECK(found[0].secret == first);
    CHECK(found[1].secret == second);
    CHECK(found[1].line == 13);
}

TEST_CASE("a key without a prefix counts with its provider named on one of the five lines above it, in any language") {
    const auto& engine = test::builtin_engine();
    const std::string deepseek = "sk-" + test::random_chars("0123456789abcdef", 32, 91);
    const std::string mistral = test::random_chars(test::kBase62, 32, 92);
    const std::string twilio = "SK" + test::random_chars("0123456789abcdef", 32, 93);
    const std::string doc = "## DeepSeek 接入\n\nAPI 密钥：" + deepseek + "\n\n## Mistral\nКлюч для стенда:\n\n«" + mistral +
                            "»\n\n### Twilio (SMS)\nSID: " + twilio + "\n";
    const auto found = test::scan_text(engine, doc, "docs/接入.md");
    REQUIRE(found.size() == 3);
    CHECK(found[0].rule_id == "deepseek-api-key");
    CHECK(found[0].secret == deepseek);
    CHECK(found[1].rule_id == "mistral-api-key");
    CHECK(found[1].secret == mistral);
    CHECK(found[2].rule_id == "twilio-api-key-sid");
    CHECK(found[2].secret == twilio);
    // Markdown's usual layout, heading, blank, sentence, blank, code fence, key, is five lines down: nearby.
    CHECK(test::scan_text(engine, "## Mistral\n\nThe staging key:\n\n```\n" + mistral + "\n```\n", "README.md").size() == 1);
    // Six lines down is not nearby: the name heads another part of the document.
    CHECK(test::scan_text(engine, "## Mistral\none\ntwo\nthree\nfour\nfive\nOTHER_KEY=" + mistral + "\n", "README.md").empty());
}

TEST_CASE("a Kubernetes Secret as JSON (kubectl -o json order or by hand) declares its data secret; a ConfigMap beside it in a List does not") {
    const std::string value = test::base64_encode("q8Vn4Rb6Tz1Wc3Yp");
    const std::string sorted = "{\n  \"apiVersion\": \"v1\",\n  \"data\": {\n    \"password\": \"" + value +
                               "\"\n  },\n  \"kind\": \"Secret\",\n  \"metadata\": {\"name\": \"db\", \"labels\": {\"app\": \"api\"}}\n}\n";
    auto found = test::scan_text(test::builtin_engine(), sorted, "deploy/secret.json");
    REQUIRE(found.size() == 1);
    CHECK(found[0].rule_id == "kubernetes-secret-data-json");
    CHECK(found[0].secret == value);
    CHECK(found[0].line == 4);
    CHECK(test::scan_text(test::builtin_engine(), sorted, "deploy/secret.yaml").empty());  // JSON rule, JSON files
    const std::string list = "{\"kind\": \"List\", \"items\": [{\"kind\": \"ConfigMap\", \"data\": {\"password\": \"" + value +
                             "\"}}, {\"kind\": \"Secret\", \"metadata\": {\"name\": \"empty\"}}]}\n";
    CHECK(test::scan_text(test::builtin_engine(), list, "all.json").empty());
    // A provider's key inside stands for the Secret: one finding, the key itself.
    const std::string key = test::openai_project(91);
    found = test::scan_text(test::builtin_engine(), "{\"data\": {\"OPENAI_API_KEY\": \"" + test::base64_encode(key) + "\"}, \"kind\": \"Secret\"}",
                            "secret.json");
    REQUIRE(found.size() == 1);
    CHECK(found[0].secret == key);
}
