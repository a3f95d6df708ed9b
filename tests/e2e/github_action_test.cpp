// End-to-end: the GitHub Action's script (hooks/github-action/run.sh) in a simulated Actions
// environment: an event JSON at GITHUB_EVENT_PATH, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and
// a release (CPack's tarball and its .sha256) served from a local directory through a file:// URL.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "support/fake_keys.hpp"
#include "support/git_repo.hpp"
#include "support/run.hpp"

using namespace keyfence::test;
namespace fs = std::filesystem;

namespace {

struct Release {
    TempDir dir;
    Release() {
        const auto r = run_shell("cpack --config " + shell_quote(std::string(KEYFENCE_BUILD_DIR) + "/CPackConfig.cmake") + " -G TGZ -B " +
                                 shell_quote((dir.path() / "v" KEYFENCE_VERSION_STRING).string()));
        REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    }
    std::string url() const { return "file://" + dir.path().string(); }
};

struct ActionRun {
    int exit_code;
    std::string out, err, summary, output;
};

ActionRun run_action(const Repo& repo, const std::string& event_name, const nlohmann::json& event, const Release& release,
                     const fs::path& work, const std::string& extra_env = "") {
    std::ofstream(work / "event.json") << event.dump();
    std::ofstream(work / "summary.md").close();
    std::ofstream(work / "output.txt").close();
    const std::string script = (fs::path(KEYFENCE_SOURCE_DIR) / "hooks/github-action/run.sh").string();
    const auto r = run_shell("cd " + shell_quote(repo.path().string()) + " && GITHUB_EVENT_NAME=" + event_name +
                             " GITHUB_EVENT_PATH=" + shell_quote((work / "event.json").string()) + " GITHUB_WORKSPACE=" +
                             shell_quote(repo.path().string()) + " GITHUB_OUTPUT=" + shell_quote((work / "output.txt").string()) +
                             " GITHUB_STEP_SUMMARY=" + shell_quote((work / "summary.md").string()) +
                             " KEYFENCE_VERSION=" KEYFENCE_VERSION_STRING " KEYFENCE_BASE_URL=" + shell_quote(release.url()) +
                             " KEYFENCE_CACHE=" + shell_quote((work / "cache").string()) + " " + extra_env + " bash " + shell_quote(script));
    return {r.exit_code, r.out, r.err, read_text(work / "summary.md"), read_text(work / "output.txt")};
}

}  // namespace

TEST_CASE("GitHub Action: pull_request and push events, annotations, summary, SARIF, exit codes; a bad checksum is refused") {
    // make test installs what this needs (the Makefile's DEPS): missing is a failure, not a skip.
    REQUIRE_MESSAGE(run_shell("command -v jq >/dev/null && command -v cpack >/dev/null").exit_code == 0, "jq or cpack is missing");
    Release release;
    Repo repo;
    repo.write("README.md", "hello\n");
    const std::string base = repo.commit("base");
    REQUIRE(repo.git("checkout -q -b feature").exit_code == 0);
    repo.write("app.py", "OPENAI_API_KEY = \"" + openai_project(621) + "\"\n");
    const std::string head = repo.commit("add a key");
    TempDir work;

    const nlohmann::json pr = {{"pull_request", {{"base", {{"sha", base}}}, {"head", {{"sha", head}}}}}};
    const ActionRun found = run_action(repo, "pull_request", pr, release, work.path(), "KEYFENCE_SARIF=" + shell_quote((work.path() / "k.sarif").string()));
    INFO(found.out << found.err);
    CHECK(found.exit_code == 1);
    CHECK(found.out.find("::error file=app.py,line=1,title=keyfence: openai-project-key::") != std::string::npos);
    CHECK(found.summary.find("| `app.py` | 1 | openai-project-key |") != std::string::npos);
    CHECK(found.output.find("findings=1") != std::string::npos);
    CHECK(nlohmann::json::parse(read_text(work.path() / "k.sarif"))["runs"][0]["results"].size() == 1);

    const nlohmann::json clean_pr = {{"pull_request", {{"base", {{"sha", base}}}, {"head", {{"sha", base}}}}}};
    const ActionRun clean = run_action(repo, "pull_request", clean_pr, release, work.path());
    CHECK(clean.exit_code == 0);
    CHECK(clean.output.find("findings=0") != std::string::npos);

    // push: an update of a known branch scans before..after; a new branch what no other branch has.
    const std::string zero(40, '0');
    CHECK(run_action(repo, "push", {{"before", base}, {"after", head}, {"ref", "refs/heads/feature"}}, release, work.path()).exit_code == 1);
    CHECK(run_action(repo, "push", {{"before", zero}, {"after", head}, {"ref", "refs/heads/feature"}}, release, work.path()).exit_code == 1);
    CHECK(run_action(repo, "push", {{"before", base}, {"after", base}, {"ref", "refs/heads/main"}}, release, work.path()).exit_code == 0);
    CHECK(run_action(repo, "push", {{"before", head}, {"after", zero}, {"ref", "refs/heads/feature"}}, release, work.path()).exit_code == 0);

    // A tarball whose published checksum does not match is never unpacked or run.
    Release tampered;
    const fs::path sum = tampered.dir.path() / "v" KEYFENCE_VERSION_STRING / KEYFENCE_TARBALL_NAME ".tar.gz.sha256";
    std::ofstream(sum) << std::string(64, 'a') << "  " KEYFENCE_TARBALL_NAME ".tar.gz\n";
    TempDir fresh;
    const ActionRun refused = run_action(repo, "pull_request", pr, tampered, fresh.path());
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("checksum mismatch") != std::string::npos);
    CHECK_FALSE(fs::exists(fresh.path() / "cache" / KEYFENCE_VERSION_STRING / (KEYFENCE_TARBALL_NAME)));
}

TEST_CASE("GitHub Action: with no base-url, the release comes from the repository the action was checked out of") {
    Repo repo;
    repo.write("README.md", "hello\n");
    const std::string base = repo.commit("base");
    const nlohmann::json pr = {{"pull_request", {{"base", {{"sha", base}}}, {"head", {{"sha", base}}}}}};
    Release unused;
    TempDir work;
    // Where GitHub checks out `uses: acme/keyfence@v1`; there is no network here, so the download fails
    // and the error names the URL it tried.
    const ActionRun from_acme = run_action(repo, "pull_request", pr, unused, work.path(),
                                           "KEYFENCE_BASE_URL= GITHUB_ACTION_PATH=/home/runner/work/_actions/acme/keyfence/v1");
    CHECK(from_acme.exit_code == 2);
    CHECK_MESSAGE(from_acme.err.find("https://github.com/acme/keyfence/releases/download/v" KEYFENCE_VERSION_STRING "/keyfence-") != std::string::npos,
                  from_acme.err);
    // A local action (`uses: ./`) names no repository: the base-url input must be given.
    const ActionRun local = run_action(repo, "pull_request", pr, unused, work.path(), "KEYFENCE_BASE_URL= GITHUB_ACTION_PATH=/src/keyfence");
    CHECK(local.exit_code == 2);
    CHECK(local.err.find("set the base-url input") != std::string::npos);
}
