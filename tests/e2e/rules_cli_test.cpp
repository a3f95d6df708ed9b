// End-to-end: keyfence rules list / check, and keyfence's own repository scanning clean.
#include <doctest/doctest.h>

#include <filesystem>

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
