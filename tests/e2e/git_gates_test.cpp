// End-to-end: the git gates (staged, history, range) and the hooks, on real temporary repositories.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "support/fake_keys.hpp"
#include "support/git_repo.hpp"
#include "support/run.hpp"

using namespace keyfence::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json history_json(const fs::path& repo, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"history", repo.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--format", "json"});
    const auto r = run_keyfence(args);
    INFO(r.err);
    REQUIRE(r.exit_code != 2);
    return json::parse(r.out);
}

}  // namespace

TEST_CASE("staged: scans the index, not the work tree; only added lines count") {
    Repo repo;
    const std::string key = openai_project(1);
    repo.write("app.py", "a = 1\nb = 2\n");
    repo.commit("base");

    // Unstaged secret: not this gate's business.
    repo.write("app.py", "a = 1\nb = 2\nk = '" + key + "'\n");
    CHECK(run_keyfence({"staged", repo.path().string()}).exit_code == 0);

    // Staged: found on its exact line, with the way out explained.
    REQUIRE(repo.git("add app.py").exit_code == 0);
    auto r = run_keyfence({"staged", repo.path().string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("app.py:3:6") != std::string::npos);
    CHECK(r.err.find("commit blocked") != std::string::npos);
    CHECK(r.err.find("keyfence:allow") != std::string::npos);
    CHECK(r.err.find(".keyfenceignore") != std::string::npos);

    // Partially staged: the work tree drops the key again, the index still holds it.
    repo.write("app.py", "a = 1\nb = 2\n");
    CHECK(run_keyfence({"staged", repo.path().string()}).exit_code == 1);

    // The fingerprint in .keyfenceignore lets it through.
    const auto j = json::parse(run_keyfence({"staged", repo.path().string(), "--format", "json"}).out);
    repo.write(".keyfenceignore", "# reviewed: test fixture\n" + j[0]["fingerprint"].get<std::string>() + "\n");
    r = run_keyfence({"staged", repo.path().string()});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("1 .keyfenceignore") != std::string::npos);
}

TEST_CASE("staged: an old secret elsewhere in an edited file is not reported; --whole-files reports it") {
    Repo repo;
    repo.write("cfg.env", "KEY=" + openai_legacy(2) + "\nA=1\n");
    repo.commit("old key, already public");
    repo.write("cfg.env", "KEY=" + openai_legacy(2) + "\nA=1\nB=2\n");
    REQUIRE(repo.git("add -A").exit_code == 0);
    CHECK(run_keyfence({"staged", repo.path().string()}).exit_code == 0);
    CHECK(run_keyfence({"staged", repo.path().string(), "--whole-files"}).exit_code == 1);
}

TEST_CASE("staged: first commit on an unborn branch, rename-only, deletion, binary blob") {
    Repo repo;
    repo.write("first.txt", "token " + anthropic_api03(3) + "\n");
    REQUIRE(repo.git("add -A").exit_code == 0);
    CHECK(run_keyfence({"staged", repo.path().string()}).exit_code == 1);  // unborn HEAD: diff against the empty tree
    repo.commit("first");

    REQUIRE(repo.git("mv first.txt moved.txt").exit_code == 0);
    CHECK(run_keyfence({"staged", repo.path().string()}).exit_code == 0);  // a rename adds nothing
    repo.commit("rename");
    REQUIRE(repo.git("rm -q moved.txt").exit_code == 0);
    CHECK(run_keyfence({"staged", repo.path().string()}).exit_code == 0);  // a deletion adds nothing
    repo.commit("delete");

    repo.write("data.bin", std::string("\0\0\x01 ", 4) + stripe_live_secret(4) + std::string(" \0", 2));
    REQUIRE(repo.git("add -A").exit_code == 0);
    const auto r = run_keyfence({"staged", repo.path().string(), "--format", "json"});
    CHECK(r.exit_code == 1);
    CHECK(json::parse(r.out)[0]["binary"] == true);
}

TEST_CASE("history: a secret added then deleted is found, attributed to the commit that introduced it") {
    Repo repo;
    repo.write("README.md", "hello\n");
    repo.commit("init");
    repo.write("src/config.py", "API = '" + openai_project(5) + "'\n");
    const std::string introduced = repo.commit("add config");
    repo.write("src/config.py", "API = os.environ['OPENAI_API_KEY']\n");
    repo.commit("use the environment");

    const auto j = history_json(repo.path());
    REQUIRE(j.size() == 1);
    CHECK(j[0]["path"] == "src/config.py");
    CHECK(j[0]["line"] == 1);
    CHECK(j[0]["commit"]["id"] == introduced);
    CHECK(j[0]["commit"]["author_name"] == "Ada Lovelace");
    CHECK(j[0]["commit"]["author_email"] == "ada@example.com");
    CHECK(j[0]["commit"]["date"] == "2026-01-02T03:04:05+01:00");
    CHECK(j[0]["commit"]["summary"] == "add config");
}

TEST_CASE("history: a key added on a side branch and merged is attributed to the side commit, not the merge") {
    Repo repo;
    repo.write("README.md", "hello\n");
    repo.commit("init");
    REQUIRE(repo.git("checkout -q -b feature").exit_code == 0);
    repo.write("src/client.py", "KEY = '" + openai_project(41) + "'\n");
    const std::string introduced = repo.commit("client on the side branch");
    REQUIRE(repo.git("checkout -q main").exit_code == 0);
    repo.write("docs.md", "main moves on\n");
    repo.commit("main moves on");
    REQUIRE(repo.git("merge -q --no-ff --no-edit feature").exit_code == 0);
    for (const char* repack : {"", "repack -a -d -f -q"}) {  // loose, then trees and blobs from a pack
        INFO(repack);
        if (*repack) REQUIRE(repo.git(repack).exit_code == 0);
        const auto j = history_json(repo.path());
        REQUIRE(j.size() == 1);
        CHECK(j[0]["path"] == "src/client.py");
        CHECK(j[0]["commit"]["id"] == introduced);
        CHECK(j[0]["commit"]["summary"] == "client on the side branch");
    }
}

TEST_CASE("history: the same secret in 50 commits is one finding with its first commit and the other places") {
    Repo repo;
    const std::string key = openai_legacy(6);
    std::string first;
    for (int i = 0; i < 50; ++i) {
        repo.write("settings.ini", "key=" + key + "\nrevision=" + std::to_string(i) + "\n");
        const std::string c = repo.commit("rev " + std::to_string(i));
        if (i == 0) first = c;
    }
    repo.write("copy/settings.ini", "key=" + key + "\n");
    repo.commit("copy");
    const auto j = history_json(repo.path());
    REQUIRE(j.size() == 1);
    CHECK(j[0]["commit"]["id"] == first);
    CHECK(j[0]["also_in"].size() == 50);  // 49 later revisions and one copy
}

TEST_CASE("history: a secret twice in one file lists only the other places, never its own") {
    Repo repo;
    const std::string key = openai_legacy(7);
    repo.write("keys.txt", "a=" + key + "\nb=" + key + "\n");
    const std::string first = repo.commit("twice");
    repo.write("keys.txt", "a=" + key + "\nb=" + key + "\nc=1\n");
    const std::string second = repo.commit("edit");
    const auto j = history_json(repo.path());
    REQUIRE(j.size() == 1);
    CHECK(j[0]["commit"]["id"] == first);
    CHECK(j[0]["line"] == 1);
    REQUIRE(j[0]["also_in"].size() == 1);
    CHECK(j[0]["also_in"][0]["commit"] == second);
    CHECK(j[0]["also_in"][0]["path"] == "keys.txt");
}

TEST_CASE("history: secrets only on an unmerged branch, only in a tag, only in a dangling blob") {
    Repo repo;
    repo.write("a.txt", "clean\n");
    repo.commit("base");
    REQUIRE(repo.git("checkout -q -b feature").exit_code == 0);
    repo.write("branch.txt", "k=" + openai_legacy(7) + "\n");
    repo.commit("on a branch");
    REQUIRE(repo.git("checkout -q main").exit_code == 0);
    REQUIRE(repo.git("checkout -q --detach").exit_code == 0);
    repo.write("tagged.txt", "k=" + openrouter(8) + "\n");
    repo.commit("only tagged");
    REQUIRE(repo.git("tag -a v1 -m release").exit_code == 0);
    REQUIRE(repo.git("checkout -q main").exit_code == 0);
    // A blob that no commit holds: what a rebase or force-push leaves behind.
    repo.write("loose.txt", "k=" + anthropic_api03(9) + "\n");
    REQUIRE(repo.git("hash-object -w loose.txt").exit_code == 0);
    fs::remove(repo.path() / "loose.txt");

    auto j = history_json(repo.path());
    REQUIRE(j.size() == 2);
    CHECK(j[0]["path"] == "branch.txt");
    CHECK(j[1]["path"] == "tagged.txt");
    j = history_json(repo.path(), {"--include-unreachable"});
    REQUIRE(j.size() == 3);
    CHECK(j[2]["path"].get<std::string>().rfind("unreachable-blob:", 0) == 0);
    CHECK_FALSE(j[2].contains("commit"));
}

TEST_CASE("CI range gate: what a pull request adds, even a key deleted again before the merge") {
    Repo repo;
    repo.write("app.py", "print(1)\n");
    repo.write("old.env", "KEY=" + openai_legacy(10) + "\n");  // on main already: not this PR's doing
    repo.commit("base");
    REQUIRE(repo.git("checkout -q -b pr").exit_code == 0);
    repo.write("app.py", "print(1)\nkey = '" + openai_project(11) + "'\n");
    const std::string added = repo.commit("wip");
    repo.write("app.py", "print(1)\nkey = os.environ['K']\n");
    repo.commit("fix");
    repo.write("docs.md", "docs\n");
    repo.commit("docs");

    const auto r = run_keyfence({"history", repo.path().string(), "main..pr", "--format", "json"});
    CHECK(r.exit_code == 1);
    const auto j = json::parse(r.out);
    REQUIRE(j.size() == 1);
    CHECK(j[0]["path"] == "app.py");
    CHECK(j[0]["commit"]["id"] == added);
    // Exactly what hooks/ci/*.yml run: from the checkout, BASE_SHA..HEAD_SHA.
    const std::string base_sha = repo.git("rev-parse main").out.substr(0, 40), head_sha = repo.head();
    const auto ci = run_keyfence({"history", ".", base_sha + ".." + head_sha}, "", repo.path());
    CHECK(ci.exit_code == 1);
    CHECK(ci.out.find("app.py:2:8") != std::string::npos);
    CHECK(ci.out.find(added.substr(0, 12)) != std::string::npos);
    REQUIRE(repo.git("checkout -q main").exit_code == 0);
    CHECK(run_keyfence({"history", repo.path().string(), "main..main"}).exit_code == 0);
    CHECK(run_keyfence({"history", repo.path().string(), "nosuchbranch..main"}).exit_code == 2);
}

TEST_CASE("history: bare repositories, identical reports for any thread count") {
    Repo work;
    for (int i = 0; i < 30; ++i) {
        work.write("f" + std::to_string(i) + ".txt", "t=" + base62_crc32_token("ghp", static_cast<std::uint64_t>(i) + 100) + "\n");
        work.commit("c" + std::to_string(i));
    }
    TempDir bare;
    REQUIRE(run_shell("git clone -q --bare " + shell_quote(work.path().string()) + " " + shell_quote((bare.path() / "r.git").string())).exit_code == 0);
    const auto one = run_keyfence({"history", (bare.path() / "r.git").string(), "-j", "1", "--format", "json"});
    const auto eight = run_keyfence({"history", (bare.path() / "r.git").string(), "-j", "8", "--format", "json"});
    CHECK(one.exit_code == 1);
    CHECK(json::parse(one.out).size() == 30);
    CHECK(one.out == eight.out);
}

TEST_CASE("history: a corrupt loose object is a diagnostic naming it; the rest of the scan completes") {
    Repo repo;
    repo.write("good.txt", "k=" + openai_legacy(12) + "\n");
    repo.write("victim.txt", "some content that will be corrupted\n");
    repo.commit("two files");
    const auto oid_r = repo.git("rev-parse HEAD:victim.txt");
    const std::string oid = oid_r.out.substr(0, 40);
    const fs::path obj = repo.path() / ".git" / "objects" / oid.substr(0, 2) / oid.substr(2);
    REQUIRE(fs::exists(obj));
    fs::permissions(obj, fs::perms::owner_all);
    std::ofstream(obj, std::ios::binary | std::ios::trunc) << "this is not zlib data";
    const auto r = run_keyfence({"history", repo.path().string()});
    CHECK(r.exit_code == 1);  // the good file's key is still reported
    CHECK(r.out.find("good.txt") != std::string::npos);
    CHECK(r.err.find(oid) != std::string::npos);
}

TEST_CASE("hook install: a real git commit is rejected, then accepted once the key is gone; existing hooks still run") {
    Repo repo;
    repo.write("README.md", "hi\n");
    repo.commit("init");
    const fs::path hooks = repo.path() / ".git" / "hooks";
    fs::create_directories(hooks);
    {
        std::ofstream old(hooks / "pre-commit");
        old << "#!/bin/sh\necho previous-hook-ran >> \"$(git rev-parse --git-dir)/previous.log\"\n";
    }
    fs::permissions(hooks / "pre-commit", fs::perms::owner_all);

    auto r = run_keyfence({"hook", "install", repo.path().string(), "--pre-push"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(fs::exists(hooks / "pre-commit.keyfence-orig"));
    CHECK(fs::exists(hooks / "pre-push"));
    CHECK(run_keyfence({"hook", "install", repo.path().string()}).exit_code == 0);  // idempotent
    CHECK(fs::exists(hooks / "pre-commit.keyfence-orig"));

    repo.write("secrets.env", "OPENAI_API_KEY=" + openai_project(13) + "\n");
    REQUIRE(repo.git("add -A").exit_code == 0);
    auto c = repo.git("commit -q -m leak");
    CHECK(c.exit_code != 0);
    CHECK((c.out + c.err).find("commit blocked") != std::string::npos);
    CHECK(read_text(repo.path() / ".git" / "previous.log").find("previous-hook-ran") != std::string::npos);

    repo.write("secrets.env", "OPENAI_API_KEY=${OPENAI_API_KEY}\n");
    REQUIRE(repo.git("add -A").exit_code == 0);
    c = repo.git("commit -q -m clean");
    CHECK_MESSAGE(c.exit_code == 0, c.err);

    r = run_keyfence({"hook", "uninstall", repo.path().string()});
    CHECK(r.exit_code == 0);
    CHECK(read_text(hooks / "pre-commit").find("previous-hook-ran") != std::string::npos);
    CHECK_FALSE(fs::exists(hooks / "pre-push"));
}

TEST_CASE("hook install: `git commit -a` and `git commit PATH` are checked too (git gives the hook their own index in GIT_INDEX_FILE)") {
    Repo repo;
    repo.write("app.py", "print('hi')\n");
    repo.write("notes.txt", "notes\n");
    repo.commit("init");
    REQUIRE(run_keyfence({"hook", "install", repo.path().string()}).exit_code == 0);

    // Nothing staged in .git/index: the key reaches the commit only through -a or the named path.
    repo.write("app.py", "print('hi')\nOPENAI_API_KEY = \"" + openai_project(14) + "\"\n");
    for (const char* how : {"commit -q -a -m leak", "commit -q -m leak app.py", "commit -q -m leak -i app.py"}) {
        const auto c = repo.git(how);
        CHECK_MESSAGE(c.exit_code != 0, how);
        CHECK_MESSAGE((c.out + c.err).find("app.py") != std::string::npos, how << ": " << c.out << c.err);
        REQUIRE(repo.git("reset -q").exit_code == 0);
    }
    CHECK(repo.git("rev-list --count HEAD").out == "1\n");
    // A clean change committed the same ways goes through, whatever .git/index holds.
    repo.write("app.py", "print('hi')\nimport os\n");
    repo.write("staged.env", "OPENAI_API_KEY=" + openai_project(15) + "\n");
    REQUIRE(repo.git("add staged.env").exit_code == 0);  // staged, but not part of `git commit PATH`
    const auto only = repo.git("commit -q -m clean app.py");
    CHECK_MESSAGE(only.exit_code == 0, only.out << only.err);
}

TEST_CASE("hook install honours core.hooksPath") {
    Repo repo;
    REQUIRE(repo.git("config core.hooksPath .githooks").exit_code == 0);
    CHECK(run_keyfence({"hook", "install", repo.path().string()}).exit_code == 0);
    CHECK(fs::exists(repo.path() / ".githooks" / "pre-commit"));
}

TEST_CASE("pre-push hook: pushing a commit that adds a key is refused; a clean push goes through") {
    Repo repo;
    TempDir remote;
    REQUIRE(run_shell("git init -q --bare " + shell_quote(remote.path().string())).exit_code == 0);
    REQUIRE(repo.git("remote add origin " + shell_quote(remote.path().string())).exit_code == 0);
    repo.write("a.txt", "clean\n");
    repo.commit("base");
    REQUIRE(run_keyfence({"hook", "install", repo.path().string(), "--pre-push"}).exit_code == 0);
    CHECK(repo.git("push -q origin main").exit_code == 0);

    // The pre-commit gate is bypassed on purpose; the pre-push gate still catches the key.
    repo.write("b.env", "KEY=" + openai_project(14) + "\n");
    REQUIRE(repo.git("add -A").exit_code == 0);
    REQUIRE(repo.git("commit -q --no-verify -m sneaky").exit_code == 0);
    auto p = repo.git("push -q origin main");
    CHECK(p.exit_code != 0);
    CHECK((p.out + p.err).find("b.env") != std::string::npos);

    // A new branch: only commits the remote does not have are scanned.
    REQUIRE(repo.git("reset -q --hard HEAD~1").exit_code == 0);
    REQUIRE(repo.git("checkout -q -b topic").exit_code == 0);
    repo.write("c.txt", "more\n");
    repo.commit("clean topic");
    CHECK(repo.git("push -q origin topic").exit_code == 0);
}

TEST_CASE("history: an allowlist naming the introducing commit silences its findings") {
    Repo repo;
    repo.write("fixture.txt", "k=" + openai_legacy(15) + "\n");
    const std::string reviewed = repo.commit("test fixture, reviewed");
    repo.write("real.txt", "k=" + openai_legacy(16) + "\n");
    repo.commit("real leak");
    repo.write(".keyfence.toml", "[extend]\nuseDefault = true\n[[allowlists]]\ncommits = [\"" + reviewed.substr(0, 12) + "\"]\n");
    const auto j = history_json(repo.path());
    REQUIRE(j.size() == 1);
    CHECK(j[0]["path"] == "real.txt");
}

TEST_CASE("worktrees, shallow clones and submodules") {
    Repo repo;
    repo.write("a.txt", "k=" + openai_legacy(17) + "\n");
    repo.commit("key on main");

    // A linked worktree: both gates work from inside it.
    TempDir wt_parent;
    const fs::path wt = wt_parent.path() / "wt";
    REQUIRE(repo.git("worktree add -q -b side " + shell_quote(wt.string())).exit_code == 0);
    std::ofstream(wt / "b.txt") << "k=" << openrouter(18) << "\n";
    REQUIRE(run_shell("git -C " + shell_quote(wt.string()) + " add b.txt").exit_code == 0);
    CHECK(run_keyfence({"staged", wt.string()}).out.find("b.txt:1:3") != std::string::npos);
    CHECK(json::parse(run_keyfence({"history", wt.string(), "--format", "json"}).out).size() == 1);

    // A shallow clone: what is there is scanned, and the report says it is shallow.
    repo.write("c.txt", "more\n");
    repo.commit("second");
    TempDir shallow;
    REQUIRE(run_shell("git clone -q --depth 1 file://" + repo.path().string() + " " + shell_quote((shallow.path() / "s").string())).exit_code == 0);
    auto r = run_keyfence({"history", (shallow.path() / "s").string()});
    CHECK(r.exit_code == 1);  // the tip still holds a.txt
    CHECK(r.err.find("shallow clone") != std::string::npos);

    // A submodule is not recursed, and that is said once.
    Repo sub;
    sub.write("s.txt", "k=" + openai_legacy(19) + "\n");
    sub.commit("in the submodule");
    REQUIRE(repo.git("-c protocol.file.allow=always submodule add -q " + shell_quote(sub.path().string()) + " vendor/sub").exit_code == 0);
    repo.commit("add submodule");
    r = run_keyfence({"history", repo.path().string(), "--format", "json"});
    CHECK(r.err.find("vendor/sub: submodule: not recursed") != std::string::npos);
    for (const auto& f : json::parse(r.out)) CHECK(f["path"] != "s.txt");
}
