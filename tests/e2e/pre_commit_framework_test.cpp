// End-to-end: the pre-commit framework (Debian 12's pre-commit 3.0.4, installed by the Makefile) installs
// both hooks from a clone of this repository's .pre-commit-hooks.yaml and drives real commits and pushes.
// The scenario is tests/system/pre_commit_scenario.sh, which tests/system/fresh_debian.sh also runs with
// Debian 13's pre-commit 4 against the installed package.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/run.hpp"

using namespace keyfence::test;
namespace fs = std::filesystem;

TEST_CASE("pre-commit framework: the staged hook blocks a key in a real commit; the pre-push hook scans only what is pushed") {
    // make test installs what this needs (the Makefile's DEPS): missing is a failure, not a skip.
    REQUIRE_MESSAGE(run_shell("command -v pre-commit >/dev/null").exit_code == 0, "pre-commit is not installed");
    const fs::path source(KEYFENCE_SOURCE_DIR);
    TempDir work;
    const auto r = run_shell("PATH=" + shell_quote(fs::path(KEYFENCE_BIN).parent_path().string()) + ":$PATH " +
                             shell_quote((source / "tests/system/pre_commit_scenario.sh").string()) + " " +
                             shell_quote((source / ".pre-commit-hooks.yaml").string()) + " " + shell_quote(work.path().string()));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("every step behaved") != std::string::npos);
}
