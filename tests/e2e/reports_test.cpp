// End-to-end: every report format against golden files, baselines, .keyfenceignore across a rebase, and
// the filter-repo purge, on real temporary repositories.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "support/fake_keys.hpp"
#include "support/git_repo.hpp"
#include "support/run.hpp"

using namespace keyfence::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The same repository on every run: fixed author, dates and seeded fake keys, so commit ids are stable.
void build_fixture(const Repo& repo) {
    repo.write("README.md", "# service\n");
    repo.write("app/config.py", "import os\n\nOPENAI_API_KEY = \"" + openai_project(81) + "\"\n");
    repo.commit("add service config");
    repo.write(".github/workflows/ci.yml", "env:\n  GH_TOKEN: " + base62_crc32_token("ghp", 82) + "\n");
    repo.write("billing/settings.ini", "[stripe]\nkey = " + stripe_live_secret(83) + "\n");
    repo.commit("ci and billing settings");
    repo.write("app/config.py", "import os\n\nOPENAI_API_KEY = os.environ[\"OPENAI_API_KEY\"]\n");
    repo.commit("read the key from the environment");
}

// Compares with tests/golden/NAME; KEYFENCE_UPDATE_GOLDEN=1 rewrites the file instead.
void check_golden(const std::string& name, std::string actual) {
    // The version changes with releases, not with behaviour.
    for (std::size_t p; (p = actual.find(KEYFENCE_VERSION_STRING)) != std::string::npos;) actual.replace(p, std::strlen(KEYFENCE_VERSION_STRING), "VERSION");
    const fs::path file = fs::path(KEYFENCE_SOURCE_DIR) / "tests" / "golden" / name;
    if (std::getenv("KEYFENCE_UPDATE_GOLDEN")) {
        std::ofstream(file, std::ios::binary) << actual;
        return;
    }
    REQUIRE_MESSAGE(fs::exists(file), "missing golden file " << file << " (run with KEYFENCE_UPDATE_GOLDEN=1)");
    CHECK_MESSAGE(read_text(file) == actual, "output differs from " << file);
}

}  // namespace

TEST_CASE("golden reports: text, json, jsonl, csv, sarif and junit of one history audit") {
    Repo repo;
    build_fixture(repo);
    struct Case {
        const char* format;
        const char* golden;
        bool redact;
    };
    for (const Case& c : {Case{"text", "history.txt", false}, Case{"json", "history.json", true}, Case{"jsonl", "history.jsonl", true},
                          Case{"csv", "history.csv", true}, Case{"sarif", "history.sarif", false}, Case{"junit", "history.junit.xml", false}}) {
        std::vector<std::string> args = {"history", ".", "--format", c.format, "--color", "never"};
        if (c.redact) args.push_back("--redact");
        const auto r = run_keyfence(args, "", repo.path());
        INFO(c.format << ": " << r.err);
        CHECK(r.exit_code == 1);
        check_golden(c.golden, r.out);
    }
}

TEST_CASE("sarif of a history audit: repository-relative locations, commit and author in properties") {
    Repo repo;
    build_fixture(repo);
    const auto r = run_keyfence({"history", ".", "--format", "sarif"}, "", repo.path());
    const auto doc = json::parse(r.out);
    const auto& results = doc["runs"][0]["results"];
    REQUIRE(results.size() == 3);
    for (const auto& res : results) {
        const std::string uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        CHECK(uri.front() != '/');
        CHECK(res["properties"]["commit"].get<std::string>().size() == 40);
        CHECK(res["properties"]["author"] == "Ada Lovelace");
        CHECK(res["properties"]["date"] == "2026-01-02T03:04:05+01:00");
    }
    CHECK(doc["runs"][0]["tool"]["driver"]["rules"].size() == 3);
    CHECK(r.out.find(openai_project(81)) == std::string::npos);  // masked: SARIF is uploaded to web UIs
}

TEST_CASE("baseline round trip: no churn on unrelated edits and moves, new keys still reported") {
    Repo repo;
    build_fixture(repo);
    TempDir out;
    const std::string base = (out.path() / "baseline.json").string();
    CHECK(run_keyfence({"scan", ".", "--write-baseline", base}, "", repo.path()).exit_code == 1);
    const std::string first = read_text(base);
    CHECK(first.find(stripe_live_secret(83)) == std::string::npos);  // hashes only
    auto r = run_keyfence({"scan", ".", "--baseline", base}, "", repo.path());
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("2 baseline") != std::string::npos);

    // Move the key to another line and another file: still known.
    repo.write("billing/settings.ini", "[stripe]\n# moved\n\n");
    repo.write("billing/moved.ini", "\n\n\nkey=" + stripe_live_secret(83) + "\n");
    CHECK(run_keyfence({"scan", ".", "--baseline", base}, "", repo.path()).exit_code == 0);
    CHECK(run_keyfence({"scan", ".", "--write-baseline", base}, "", repo.path()).exit_code == 1);
    CHECK(read_text(base) == first);  // the baseline file does not churn

    // A new key is new.
    repo.write("app/new.py", "K = '" + openai_legacy(84) + "'\n");
    r = run_keyfence({"scan", ".", "--baseline", base, "--format", "json"}, "", repo.path());
    CHECK(r.exit_code == 1);
    REQUIRE(json::parse(r.out).size() == 1);
    CHECK(json::parse(r.out)[0]["path"] == "app/new.py");
}

TEST_CASE("a gitleaks JSON report works as a baseline") {
    Repo repo;
    build_fixture(repo);
    TempDir out;
    const std::string gl = (out.path() / "gitleaks.json").string();
    std::ofstream(gl) << json::array({{{"RuleID", "stripe-access-token"}, {"Secret", stripe_live_secret(83)}, {"File", "billing/settings.ini"}},
                                      {{"RuleID", "github-pat"}, {"Secret", base62_crc32_token("ghp", 82)}, {"File", ".github/workflows/ci.yml"}}})
                                .dump();
    const auto r = run_keyfence({"scan", ".", "--baseline", gl}, "", repo.path());
    CHECK(r.exit_code == 0);
    CHECK(run_keyfence({"scan", ".", "--baseline", (out.path() / "missing.json").string()}, "", repo.path()).exit_code == 2);
}

TEST_CASE(".keyfenceignore survives a rebase that rewrites every commit") {
    Repo repo;
    build_fixture(repo);
    auto j = json::parse(run_keyfence({"history", ".", "--format", "json"}, "", repo.path()).out);
    REQUIRE(j.size() == 3);
    std::string ignore = "# reviewed\n";
    for (const auto& f : j) ignore += f["fingerprint"].get<std::string>() + "\n";
    // Rewrite history: same content, new commit ids (what an interactive rebase with a reword does).
    REQUIRE(repo.git("-c core.editor=true rebase -q --root --exec 'git commit -q --amend -m rewritten'").exit_code == 0);
    repo.write(".keyfenceignore", ignore);
    const auto r = run_keyfence({"history", "."}, "", repo.path());
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("3 .keyfenceignore") != std::string::npos);
}

TEST_CASE("filter-repo purge: the expressions file removes every key from history") {
    if (run_shell("git filter-repo --version").exit_code != 0) {
        MESSAGE("git filter-repo is not installed (Debian: git-filter-repo); skipped");
        return;
    }
    Repo repo;
    build_fixture(repo);
    TempDir out;
    const std::string expr = (out.path() / "expr.txt").string();
    CHECK(run_keyfence({"history", ".", "--format", "filter-repo", "--output", expr}, "", repo.path()).exit_code == 1);
    CHECK(read_text(expr).find("literal:" + stripe_live_secret(83) + "==>REDACTED") != std::string::npos);
    const auto purge = repo.git("filter-repo --force --quiet --replace-text " + shell_quote(expr));
    REQUIRE_MESSAGE(purge.exit_code == 0, purge.err);
    const auto after = run_keyfence({"history", "."}, "", repo.path());
    CHECK_MESSAGE(after.exit_code == 0, after.out);
    // The old objects may linger unreachable until the next gc: prune them, then nothing is left at all.
    REQUIRE(repo.git("reflog expire --expire=now --all").exit_code == 0);
    REQUIRE(repo.git("gc -q --prune=now").exit_code == 0);
    const auto pruned = run_keyfence({"history", ".", "--include-unreachable"}, "", repo.path());
    CHECK_MESSAGE(pruned.exit_code == 0, pruned.out);
    CHECK(read_text(repo.path() / "billing" / "settings.ini").find("REDACTED") != std::string::npos);
}

TEST_CASE("jsonl streams one finding per line (scan, staged) and is complete for history; files are 0600") {
    Repo repo;
    build_fixture(repo);
    TempDir out;
    const fs::path file = out.path() / "r.jsonl";
    for (const char* cmd : {"scan", "history"}) {
        const auto r = run_keyfence({cmd, ".", "--format", "jsonl", "--output", file.string()}, "", repo.path());
        CHECK(r.exit_code == 1);
        const std::string text = read_text(file);
        std::size_t lines = 0;
        for (std::size_t pos = 0, nl; (nl = text.find('\n', pos)) != std::string::npos; pos = nl + 1, ++lines)
            CHECK(json::parse(text.substr(pos, nl - pos)).contains("fingerprint"));
        CHECK(lines == (std::string(cmd) == "scan" ? 2u : 3u));  // the work tree holds 2 keys; history 3
        CHECK((fs::status(file).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
    }
}

TEST_CASE("--output to /dev/null or a FIFO writes into it and never replaces it with a file") {
    TempDir dir;
    dir.write("a.txt", "k=" + openai_legacy(85) + "\n");
    CHECK(run_keyfence({"scan", (dir.path() / "a.txt").string(), "--format", "json", "-o", "/dev/null"}).exit_code == 1);
    CHECK(fs::is_character_file("/dev/null"));
    const fs::path fifo = dir.path() / "pipe";
    REQUIRE(run_shell("mkfifo " + shell_quote(fifo.string())).exit_code == 0);
    const auto r = run_shell("cat " + shell_quote(fifo.string()) + " > " + shell_quote((dir.path() / "got.json").string()) + " & " +
                             shell_quote(KEYFENCE_BIN) + " scan " + shell_quote((dir.path() / "a.txt").string()) +
                             " --format json -o " + shell_quote(fifo.string()) + "; echo rc=$?; wait");
    CHECK(r.out.find("rc=1") != std::string::npos);
    CHECK(fs::is_fifo(fifo));
    CHECK(json::parse(read_text(dir.path() / "got.json")).size() == 1);
}
