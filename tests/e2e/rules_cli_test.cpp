// End-to-end: keyfence rules list / check, and keyfence's own repository scanning clean.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/run.hpp"

using namespace keyfence::test;

TEST_CASE("rules check passes every built-in rule's examples and negatives") {
    const auto r = run_keyfence({"rules", "check"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.err.find("all passed") != std::string::npos);
}

TEST_CASE("rules list shows the AI-provider rules with their keywords") {
    const auto r = run_keyfence({"rules", "list"});
    CHECK(r.exit_code == 0);
    for (const char* id : {"openai-project-key", "anthropic-api-key", "openrouter-api-key", "deepseek-api-key", "groq-api-key",
                           "xai-api-key", "perplexity-api-key", "huggingface-access-token", "replicate-api-token", "google-api-key",
                           "stripe-live-secret-key", "aws-access-key-id", "github-personal-access-token", "slack-bot-token",
                           "private-key"})
        CHECK_MESSAGE(r.out.find(id) != std::string::npos, id);
    CHECK(r.out.find("(--validate: api.anthropic.com)") != std::string::npos);  // where a key would be sent
}

TEST_CASE("rules check fails (exit 2) when an example does not fire or a negative does") {
    TempDir dir;
    const auto file = dir.write("r.toml", R"([[rules]]
id = "demo"
regex = '''demo_[0-9]{8}'''
examples = ["x = demo_29471038", "no match here"]
negatives = ["demo_1234", "y = demo_83920571"]
)");
    const auto r = run_keyfence({"rules", "check", file.string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("example does not produce a finding: no match here") != std::string::npos);
    CHECK(r.err.find("negative produces a finding: y = demo_83920571") != std::string::npos);
    CHECK(r.err.find("2 failed") != std::string::npos);
}

TEST_CASE("a gitleaks 8.28 composite rule from --config: reported with its required finding, which --redact hides too") {
    TempDir dir;
    const auto config = dir.write("gitleaks.toml", R"([[rules]]
id = "acme-client-id"
regex = '''acme_id_[a-z0-9]{16}'''
keywords = ["acme_id_"]
skipReport = true
examples = ["acme_id_q8v2m4x7c1z9k3w5"]
[[rules]]
id = "acme-client-secret"
regex = '''acme_secret_[a-z0-9]{32}'''
keywords = ["acme_secret_"]
examples = ["acme_id_q8v2m4x7c1z9k3w5 acme_secret_7f3k9q2m8x4c1v6b0n5z2l7j4h8g3d1s"]
negatives = ["acme_secret_7f3k9q2m8x4c1v6b0n5z2l7j4h8g3d1s"]
[[rules.required]]
id = "acme-client-id"
withinLines = 1
withinColumns = 40
)");
    const std::string id = "acme_id_q8v2m4x7c1z9k3w5", secret = "acme_secret_7f3k9q2m8x4c1v6b0n5z2l7j4h8g3d1s";
    dir.write("src/client.env", "ACME_ID=" + id + " ACME_SECRET=" + secret + "\n");
    dir.write("src/alone.env", "ACME_SECRET=" + secret + "\n");
    auto r = run_keyfence({"rules", "check", config.string()});
    CHECK_MESSAGE(r.exit_code == 0, r.err);  // a skipReport rule's own examples are still checked
    CHECK(r.err.find("not used by keyfence") == std::string::npos);

    r = run_keyfence({"scan", "--config", config.string(), "--format", "json", (dir.path() / "src").string()});
    CHECK(r.exit_code == 1);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.size() == 1);
    CHECK(j[0]["rule_id"] == "acme-client-secret");
    CHECK(j[0]["path"].get<std::string>().ends_with("client.env"));
    REQUIRE(j[0]["required"].size() == 1);
    CHECK(j[0]["required"][0]["rule_id"] == "acme-client-id");
    CHECK(j[0]["required"][0]["secret"] == id);
    CHECK(j[0]["required"][0]["column"] == 9);

    r = run_keyfence({"scan", "--config", config.string(), "--format", "json", "--redact", (dir.path() / "src").string()});
    CHECK(r.out.find(id) == std::string::npos);  // neither in "required" nor in line_text
    CHECK(r.out.find(secret) == std::string::npos);
    r = run_keyfence({"scan", "--config", config.string(), (dir.path() / "src").string()});
    CHECK(r.out.find("with: acme-client-id") != std::string::npos);
    CHECK(r.out.find(id) == std::string::npos);  // masked in the text report
}

TEST_CASE("keyfence's own tracked files scan clean (test keys are built at run time)") {
    const auto files = run_shell("git -C " + shell_quote(KEYFENCE_SOURCE_DIR) + " ls-files -z | xargs -0 -I{} echo {}");
    REQUIRE(files.exit_code == 0);
    // Scan the tracked files (or, outside a checkout, the source folders) from the repository root so that
    // its .keyfence.toml applies.
    std::vector<std::string> args = {"scan"};
    if (!files.out.empty()) {
        for (std::size_t pos = 0, nl; (nl = files.out.find('\n', pos)) != std::string::npos; pos = nl + 1)
            args.push_back(files.out.substr(pos, nl - pos));
    } else {
        for (const char* d : {"scanner", "rules", "tests", "benchmarks", "hooks", "README.md", "CMakeLists.txt", "Makefile"})
            if (std::filesystem::exists(std::filesystem::path(KEYFENCE_SOURCE_DIR) / d)) args.push_back(d);
    }
    const auto r = run_keyfence(args, "", KEYFENCE_SOURCE_DIR);
    CHECK_MESSAGE(r.exit_code == 0, (r.out + r.err));
}
