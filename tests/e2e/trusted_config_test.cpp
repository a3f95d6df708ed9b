// End-to-end: the range gate reads its own config (.keyfence.toml, the files it extends, .keyfenceignore)
// as committed at the range's base, so a pull request cannot switch its own gate off; what the range
// changes in that config is reported, and --strict-config fails on it.
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

const std::string kAllowEverything = "[extend]\nuseDefault = true\n\n[[allowlists]]\npaths = [\".*\"]\n";

// main with app.py; a feature branch "pr" checked out, adding a key to app.py and (optionally) config files.
void pull_request(Repo& repo, const std::string& key, const std::string& keyfence_toml) {
    repo.write("app.py", "print(1)\n");
    repo.commit("base");
    REQUIRE(repo.git("checkout -q -b pr").exit_code == 0);
    if (!key.empty()) repo.write("app.py", "print(1)\nkey = '" + key + "'\n");
    if (!keyfence_toml.empty()) repo.write(".keyfence.toml", keyfence_toml);
    repo.commit("feature");
}

RunResult gate(const Repo& repo, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"history", repo.path().string(), "main..HEAD"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_keyfence(args);
}

}  // namespace

TEST_CASE("range gate: a pull request that allowlists everything in its own .keyfence.toml is still caught, and the change reported") {
    Repo repo;
    const std::string key = openai_project(201);
    pull_request(repo, key, kAllowEverything);

    // Text: exit 1, the key, and a config-change section naming the allowlist the PR adds.
    const auto text = gate(repo);
    INFO(text.err);
    CHECK(text.exit_code == 1);
    CHECK(text.out.find("app.py:2:8") != std::string::npos);
    CHECK(text.out.find("Config change") != std::string::npos);
    CHECK(text.out.find("adds allowlist: global: paths=[.*]") != std::string::npos);
    CHECK(text.err.find("warning: this range changes the gate's own config (.keyfence.toml)") != std::string::npos);

    // JSON: still an array; its first element is the change, then the finding.
    const auto js = gate(repo, {"--format", "json"});
    CHECK(js.exit_code == 1);
    const json j = json::parse(js.out);
    REQUIRE(j.is_array());
    REQUIRE(j.size() == 2);
    const json& change = j[0]["config_change"];
    CHECK(change["files"] == json::array({".keyfence.toml"}));
    REQUIRE(change["added_allowlists"].size() == 1);
    CHECK(change["added_allowlists"][0].get<std::string>().find("paths=[.*]") != std::string::npos);
    CHECK(change["base"] == repo.git("rev-parse main").out.substr(0, 40));
    CHECK(change["head"] == repo.head());
    CHECK(change["fails_gate"] == false);
    CHECK(j[1]["rule_id"] == "openai-project-key");
    CHECK(j[1]["secret"] == key);

    // SARIF: the finding as a result, the change as a tool configuration notification.
    const auto sa = gate(repo, {"--format", "sarif"});
    CHECK(sa.exit_code == 1);
    const json s = json::parse(sa.out);
    const json& run = s["runs"][0];
    CHECK(run["results"].size() == 1);
    const json& note = run["invocations"][0]["toolConfigurationNotifications"][0];
    CHECK(note["level"] == "warning");
    CHECK(note["message"]["text"].get<std::string>().find("adds allowlist: global: paths=[.*]") != std::string::npos);
    CHECK(note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ".keyfence.toml");
    CHECK(run["properties"]["keyfenceConfigChange"]["added_allowlists"].size() == 1);

    // jsonl, csv and junit say so too.
    const auto jl = gate(repo, {"--format", "jsonl"});
    CHECK(json::parse(jl.out.substr(0, jl.out.find('\n'))).contains("config_change"));
    CHECK(gate(repo, {"--format", "csv"}).out.find("keyfence-config-change,") != std::string::npos);
    CHECK(gate(repo, {"--format", "junit"}).out.find("gate config changed by this range") != std::string::npos);
}

TEST_CASE("range gate: --config-from-head restores reading the work tree (the PR's own allowlist applies)") {
    Repo repo;
    pull_request(repo, openai_project(202), kAllowEverything);
    const auto r = gate(repo, {"--config-from-head"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("--config-from-head") != std::string::npos);  // the change is still shown
    CHECK(r.err.find("adds allowlist") != std::string::npos);
}

TEST_CASE("range gate: --strict-config fails a range that only changes the config; rules the head drops are listed") {
    Repo repo;
    // No key at all: the base's built-in rules, and a head config that drops them and keeps one of its own.
    pull_request(repo, "", "[[rules]]\nid = \"only-mine\"\nregex = '''mine_[0-9]{30}'''\n");
    const auto plain = gate(repo, {"--format", "json"});
    CHECK(plain.exit_code == 0);
    const json j = json::parse(plain.out);
    REQUIRE(j.size() == 1);
    const json& disabled = j[0]["config_change"]["disabled_rules"];
    CHECK(std::find(disabled.begin(), disabled.end(), "openai-project-key") != disabled.end());

    const auto strict = gate(repo, {"--strict-config"});
    CHECK(strict.exit_code == 1);
    CHECK(strict.err.find("error: --strict-config: this range changes the gate's own config (.keyfence.toml)") != std::string::npos);
    CHECK(strict.out.find("disables rule: openai-project-key") != std::string::npos);
    const json sj = json::parse(gate(repo, {"--strict-config", "--format", "sarif"}).out);
    CHECK(sj["runs"][0]["invocations"][0]["toolConfigurationNotifications"][0]["level"] == "error");

    // A range that leaves the config alone passes --strict-config, and its report has no change in it.
    REQUIRE(repo.git("checkout -q main").exit_code == 0);
    REQUIRE(repo.git("checkout -q -b other").exit_code == 0);
    repo.write("b.txt", "clean\n");
    repo.commit("clean");
    const auto clean = gate(repo, {"--strict-config", "--format", "json"});
    CHECK(clean.exit_code == 0);
    CHECK(json::parse(clean.out) == json::array());
}

TEST_CASE("range gate: a base that moved on is trusted as it is now, and its own config edits are not the range's change") {
    Repo repo;
    repo.write("app.py", "print(1)\n");
    repo.commit("base");
    REQUIRE(repo.git("checkout -q -b pr").exit_code == 0);
    repo.write("fixtures/keys.py", "k = '" + openai_project(211) + "'\n");
    repo.commit("a test fixture");
    // Meanwhile main reviews and allowlists the fixtures (GitHub's base.sha is main's tip, not the fork point).
    REQUIRE(repo.git("checkout -q main").exit_code == 0);
    repo.write(".keyfence.toml", "[extend]\nuseDefault = true\n[[allowlists]]\npaths = ['''^fixtures/''']\n");
    repo.commit("allow fixtures");
    REQUIRE(repo.git("checkout -q pr").exit_code == 0);
    const auto r = gate(repo, {"--strict-config", "--format", "json"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(json::parse(r.out) == json::array());
    CHECK(r.err.find("1 allowlist") != std::string::npos);
}

TEST_CASE("range gate: --config FILE still wins over the base's committed config") {
    Repo repo;
    pull_request(repo, openai_project(203), kAllowEverything);
    TempDir dir;
    const fs::path cfg = dir.write("ci.toml", "[extend]\nuseDefault = true\n[[allowlists]]\npaths = ['''^app\\.py$''']\n");
    const auto r = gate(repo, {"--config", cfg.string()});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("rules used for this scan: --config " + cfg.string()) != std::string::npos);
    // And a --config that allows nothing finds the key whatever the branch says.
    const fs::path strict = dir.write("strict.toml", "[extend]\nuseDefault = true\n");
    CHECK(gate(repo, {"--config", strict.string()}).exit_code == 1);
}

TEST_CASE("range gate: the base's committed allowlist still applies, also where there is no work tree (bare)") {
    Repo work;
    work.write(".keyfence.toml", "[extend]\nuseDefault = true\n[[allowlists]]\npaths = ['''^fixtures/''']\n");
    work.write("app.py", "print(1)\n");
    work.commit("base with reviewed fixtures");
    REQUIRE(work.git("checkout -q -b pr").exit_code == 0);
    work.write("fixtures/keys.py", "k = '" + openai_project(204) + "'\n");
    work.write("app.py", "print(1)\nk = '" + openai_legacy(205) + "'\n");
    work.commit("fixture and a real key");
    TempDir bare;
    const fs::path git = bare.path() / "r.git";
    REQUIRE(run_shell("git clone -q --bare " + shell_quote(work.path().string()) + " " + shell_quote(git.string())).exit_code == 0);
    for (const fs::path& where : {work.path(), git}) {
        INFO(where.string());
        const auto r = run_keyfence({"history", where.string(), "main..pr", "--format", "json"});
        CHECK(r.exit_code == 1);
        const json j = json::parse(r.out);
        REQUIRE(j.size() == 1);  // no config change; the fixture is allowlisted by the base
        CHECK(j[0]["path"] == "app.py");
        CHECK(r.err.find("1 allowlist") != std::string::npos);
    }
}

TEST_CASE("range gate: an [extend] path is read from the base's tree; a PR editing the extended file is caught and reported") {
    Repo repo;
    repo.write(".keyfence.toml", "[extend]\npath = \"ci/keyfence/rules.toml\"\n");
    repo.write("ci/keyfence/rules.toml", "[extend]\nuseDefault = true\n");
    repo.write("app.py", "print(1)\n");
    repo.commit("base");
    REQUIRE(repo.git("checkout -q -b pr").exit_code == 0);
    repo.write("ci/keyfence/rules.toml", "[extend]\nuseDefault = true\n[[allowlists]]\nregexes = ['''.''']\n");
    repo.write("app.py", "print(1)\nk = '" + openai_project(206) + "'\n");
    repo.commit("loosen the extended file");
    const auto r = gate(repo, {"--format", "json"});
    CHECK(r.exit_code == 1);
    const json j = json::parse(r.out);
    REQUIRE(j.size() == 2);
    CHECK(j[0]["config_change"]["files"] == json::array({".keyfence.toml"}));
    CHECK(j[0]["config_change"]["added_allowlists"][0].get<std::string>().find("ci/keyfence/rules.toml") != std::string::npos);
    CHECK(j[1]["path"] == "app.py");

    // An [extend] path that leaves the committed tree is refused, naming it.
    Repo abs;
    abs.write(".keyfence.toml", "[extend]\npath = \"/etc/keyfence.toml\"\n");
    abs.commit("base");
    abs.write("a.txt", "a\n");
    abs.commit("next");
    const auto bad = run_keyfence({"history", abs.path().string(), "HEAD~1..HEAD"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("is absolute") != std::string::npos);
}

TEST_CASE("range gate: a .keyfenceignore the range adds is reported and does not suppress") {
    Repo repo;
    const std::string key = openai_project(207);
    pull_request(repo, key, "");
    const json first = json::parse(gate(repo, {"--format", "json"}).out);
    REQUIRE(first.size() == 1);
    const std::string fp = first[0]["fingerprint"];
    repo.write(".keyfenceignore", "# trust me\n" + fp + "\n");
    repo.commit("ignore it");

    const auto r = gate(repo, {"--format", "json"});
    CHECK(r.exit_code == 1);
    const json j = json::parse(r.out);
    REQUIRE(j.size() == 2);
    CHECK(j[0]["config_change"]["files"] == json::array({".keyfenceignore"}));
    CHECK(j[0]["config_change"]["added_fingerprints"] == json::array({fp}));
    CHECK(j[1]["fingerprint"] == fp);
    CHECK(gate(repo).out.find(".keyfenceignore adds: " + fp) != std::string::npos);
    CHECK(gate(repo, {"--config-from-head"}).exit_code == 0);  // today's behaviour, on request
}

TEST_CASE("the pre-commit gate keeps the author's work-tree config while the range gate uses the base's") {
    Repo repo;
    pull_request(repo, "", "[extend]\nuseDefault = true\n[[allowlists]]\npaths = ['''^fixtures/''']\n");
    repo.write("fixtures/a.py", "k = '" + openai_project(208) + "'\n");
    repo.commit("fixture");
    CHECK(gate(repo).exit_code == 1);  // main has no such allowlist

    repo.write("fixtures/b.py", "k = '" + openai_project(209) + "'\n");
    REQUIRE(repo.git("add fixtures/b.py").exit_code == 0);
    const auto staged = run_keyfence({"staged", repo.path().string()});
    CHECK(staged.exit_code == 0);
    CHECK(staged.err.find("1 allowlist") != std::string::npos);
}

TEST_CASE("pre-push hook: a branch that allowlists its own key is refused, new branch or not") {
    Repo repo;
    TempDir remote;
    REQUIRE(run_shell("git init -q --bare " + shell_quote(remote.path().string())).exit_code == 0);
    REQUIRE(repo.git("remote add origin " + shell_quote(remote.path().string())).exit_code == 0);
    repo.write("a.txt", "clean\n");
    repo.commit("base");
    REQUIRE(run_keyfence({"hook", "install", repo.path().string(), "--pre-push"}).exit_code == 0);
    REQUIRE(repo.git("push -q origin main").exit_code == 0);

    // A new branch: the hook passes "local ^origin/main", whose base is main as pushed.
    REQUIRE(repo.git("checkout -q -b topic").exit_code == 0);
    repo.write(".keyfence.toml", kAllowEverything);
    repo.write("b.env", "KEY=" + openai_project(210) + "\n");
    REQUIRE(repo.git("add -A").exit_code == 0);
    REQUIRE(repo.git("commit -q --no-verify -m sneaky").exit_code == 0);
    auto p = repo.git("push -q origin topic");
    CHECK(p.exit_code != 0);
    CHECK((p.out + p.err).find("b.env") != std::string::npos);
    CHECK((p.out + p.err).find("adds allowlist") != std::string::npos);

    // An existing branch: "remote_sha..local_sha".
    REQUIRE(repo.git("checkout -q main").exit_code == 0);
    REQUIRE(repo.git("merge -q --ff-only topic").exit_code == 0);
    p = repo.git("push -q origin main");
    CHECK(p.exit_code != 0);
    CHECK((p.out + p.err).find("b.env") != std::string::npos);

    // A new branch is judged by the remote's main, not by another remote branch that sorts first and
    // allowlists everything.
    REQUIRE(repo.git("reset -q --hard origin/main").exit_code == 0);
    REQUIRE(repo.git("checkout -q -b aaa-loose").exit_code == 0);
    repo.write(".keyfence.toml", kAllowEverything);
    repo.commit("loose config, no key");
    REQUIRE(repo.git("push -q origin aaa-loose").exit_code == 0);
    REQUIRE(repo.git("checkout -q -b zzz-topic main").exit_code == 0);
    repo.write("c.env", "KEY=" + openai_project(212) + "\n");
    REQUIRE(repo.git("add -A").exit_code == 0);
    REQUIRE(repo.git("commit -q --no-verify -m key").exit_code == 0);
    p = repo.git("push -q origin zzz-topic");
    CHECK(p.exit_code != 0);
    CHECK((p.out + p.err).find("c.env") != std::string::npos);
}
