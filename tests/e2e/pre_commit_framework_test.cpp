// End-to-end: the pre-commit framework (Debian's pre-commit, installed by the Makefile) installs both
// hooks from a clone of this repository's .pre-commit-hooks.yaml and drives real commits and pushes.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/fake_keys.hpp"
#include "support/git_repo.hpp"
#include "support/run.hpp"

using namespace keyfence::test;
namespace fs = std::filesystem;

TEST_CASE("pre-commit framework: the staged hook blocks a key in a real commit; the pre-push hook scans only what is pushed") {
    // make test installs what this needs (the Makefile's DEPS): missing is a failure, not a skip.
    REQUIRE_MESSAGE(run_shell("command -v pre-commit >/dev/null").exit_code == 0, "pre-commit is not installed");
    // The hooks repository: this repository's .pre-commit-hooks.yaml as it is in the work tree, committed.
    Repo hooks;
    hooks.write(".pre-commit-hooks.yaml", read_text(fs::path(KEYFENCE_SOURCE_DIR) / ".pre-commit-hooks.yaml"));
    const std::string rev = hooks.commit("hooks");

    TempDir home;
    Repo remote(true);
    Repo project;
    project.write(".pre-commit-config.yaml", "repos:\n  - repo: " + hooks.path().string() + "\n    rev: " + rev +
                                                 "\n    hooks:\n      - id: keyfence\n      - id: keyfence-pre-push\n");
    project.write("README.md", "hello\n");
    // keyfence on PATH (language: system), pre-commit's cache in a temporary home, no user config.
    const std::string env = "export PATH=" + shell_quote(fs::path(KEYFENCE_BIN).parent_path().string()) + ":$PATH PRE_COMMIT_HOME=" +
                            shell_quote((home.path() / "cache").string()) + " HOME=" + shell_quote(home.path().string()) + "; ";
    auto in_project = [&](const std::string& command) { return run_shell("cd " + shell_quote(project.path().string()) + " && " + env + command); };
    const auto installed = in_project("pre-commit install --hook-type pre-commit --hook-type pre-push");
    REQUIRE_MESSAGE(installed.exit_code == 0, installed.out << installed.err);
    const std::string git_commit = "git -c user.name=Ada -c user.email=ada@example.com -c commit.gpgsign=false commit -q ";
    const std::string commit = git_commit + "-m ", commit_unchecked = git_commit + "--no-verify -m ";
    const auto base = in_project("git add -A && " + commit + "base");
    REQUIRE_MESSAGE(base.exit_code == 0, base.out << base.err);
    REQUIRE(in_project("git remote add origin " + shell_quote(remote.path().string()) + " && git push -q origin main").exit_code == 0);

    // A key staged: the commit is refused, then allowed once the key is gone.
    project.write("app.py", "OPENAI_API_KEY = \"" + openai_project(611) + "\"\n");
    const auto blocked = in_project("git add app.py && " + commit + "'add key'");
    INFO(blocked.out << blocked.err);
    CHECK(blocked.exit_code != 0);
    CHECK((blocked.out + blocked.err).find("openai") != std::string::npos);
    project.write("app.py", "import os\nOPENAI_API_KEY = os.environ[\"OPENAI_API_KEY\"]\n");
    CHECK(in_project("git add app.py && " + commit + "'read the key from the environment'").exit_code == 0);

    // An old key already on the remote (pushed with the hooks bypassed) does not block a clean push.
    project.write("old.env", "ANTHROPIC_API_KEY=" + anthropic_api03(612) + "\n");
    REQUIRE(in_project("git add old.env && " + commit_unchecked + "old && git push -q --no-verify origin main").exit_code == 0);
    project.write("notes.txt", "nothing secret\n");
    const auto clean_push = in_project("git add notes.txt && " + commit + "notes && git push -q origin main");
    INFO(clean_push.out << clean_push.err);
    CHECK(clean_push.exit_code == 0);

    // A push that adds a key is refused.
    project.write("new.env", "OPENROUTER_API_KEY=" + openrouter(613) + "\n");
    REQUIRE(in_project("git add new.env && " + commit_unchecked + "'new key'").exit_code == 0);
    const auto refused = in_project("git push -q origin main");
    INFO(refused.out << refused.err);
    CHECK(refused.exit_code != 0);
    CHECK((refused.out + refused.err).find("new.env") != std::string::npos);
    CHECK((refused.out + refused.err).find("old.env") == std::string::npos);  // only what is being pushed
}
