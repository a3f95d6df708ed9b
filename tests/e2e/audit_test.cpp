// End-to-end: `keyfence audit` over local repositories, file:// URLs and git:// URLs served by a real
// `git daemon` on 127.0.0.1, and `keyfence report merge` of the reports it writes.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "support/fake_keys.hpp"
#include "support/git_repo.hpp"
#include "support/run.hpp"

using namespace keyfence::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// `git daemon` exporting every repository under base, on a free loopback port, until destroyed.
class GitDaemon {
public:
    explicit GitDaemon(const fs::path& base) : pid_file_(base / "daemon.pid") {
        const auto port = run_shell("python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'");
        REQUIRE(port.exit_code == 0);
        port_ = std::stoi(port.out);
        const auto r = run_shell(fmt::format("git daemon --detach --reuseaddr --export-all --listen=127.0.0.1 --port={} --pid-file={} "
                                             "--base-path={} {}",
                                             port_, shell_quote(pid_file_.string()), shell_quote(base.string()), shell_quote(base.string())));
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        for (int i = 0; i < 200; ++i) {  // until it accepts connections
            if (run_shell(fmt::format("git ls-remote git://127.0.0.1:{}/none >/dev/null 2>&1; "
                                      "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", {}), 1)' 2>/dev/null",
                                      port_, port_))
                    .exit_code == 0)
                return;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        FAIL("git daemon did not start");
    }
    ~GitDaemon() { run_shell("kill $(cat " + shell_quote(pid_file_.string()) + ") 2>/dev/null"); }
    std::string url(const std::string& name) const { return fmt::format("git://127.0.0.1:{}/{}", port_, name); }

private:
    fs::path pid_file_;
    int port_ = 0;
};

json report_of(const RunResult& r) {
    INFO(r.err);
    return json::parse(r.out);
}

// rule and secret -> the finding.
std::map<std::string, json> by_secret(const json& report) {
    std::map<std::string, json> out;
    for (const auto& f : report) out[f["secret"].get<std::string>()] = f;
    return out;
}

std::set<std::string> repositories_of(const json& f) {
    std::set<std::string> out{f["repository"].get<std::string>()};
    if (f.contains("also_in"))
        for (const auto& p : f["also_in"]) out.insert(p["repository"].get<std::string>());
    return out;
}

}  // namespace

TEST_CASE("audit: the same key in a local repository, a file:// URL and a git:// URL is one finding naming all three") {
    TempDir base;
    const std::string shared = openai_project(401), own = anthropic_api03(402);
    for (const char* name : {"alpha", "beta", "gamma"}) {
        REQUIRE(run_shell("git init -q -b main " + shell_quote((base.path() / name).string())).exit_code == 0);
    }
    auto commit = [&](const char* name, const std::string& file, const std::string& content) {
        const fs::path dir = base.path() / name;
        base.write(std::string(name) + "/" + file, content);
        REQUIRE(run_shell("git -C " + shell_quote(dir.string()) +
                          " -c user.name=Ada -c user.email=ada@example.com add -A && git -C " + shell_quote(dir.string()) +
                          " -c user.name=Ada -c user.email=ada@example.com commit -qm " + shell_quote(file))
                    .exit_code == 0);
    };
    commit("alpha", "app.env", "OPENAI_API_KEY=" + shared + "\n");
    commit("beta", "deploy/ci.sh", "export OPENAI_API_KEY=" + shared + "\n");
    commit("gamma", "notebook.py", "key = '" + shared + "'\nclaude = '" + own + "'\n");
    GitDaemon daemon(base.path());
    TempDir cache;
    const std::string alpha = (base.path() / "alpha").string(), beta = "file://" + (base.path() / "beta").string(), gamma = daemon.url("gamma");

    const auto r = run_keyfence({"audit", alpha, beta, gamma, "--cache-dir", cache.path().string(), "-f", "json"});
    CHECK(r.exit_code == 1);
    const auto f = by_secret(report_of(r));
    REQUIRE(f.size() == 2);
    CHECK(repositories_of(f.at(shared)) == std::set<std::string>{alpha, beta, gamma});
    CHECK(f.at(shared)["also_in"].size() == 2);
    CHECK(f.at(own)["repository"] == gamma);
    CHECK(f.at(own)["commit"]["author_name"] == "Ada");
    CHECK(r.err.find("keys per repository: ") != std::string::npos);
    // The URLs were mirrored bare into the cache directory.
    std::size_t mirrors = 0;
    for (const auto& e : fs::directory_iterator(cache.path() / "repos")) mirrors += fs::exists(e.path() / "HEAD");
    CHECK(mirrors == 2);

    SUBCASE("text names the other repositories; SARIF and CSV carry the repository") {
        auto t = run_keyfence({"audit", alpha, beta, gamma, "--cache-dir", cache.path().string(), "--color", "never"});
        CHECK(t.out.find("repository: " + alpha) != std::string::npos);
        CHECK(t.out.find("also in 2 other places; also in " + beta + ", " + gamma) != std::string::npos);
        t = run_keyfence({"audit", alpha, beta, gamma, "--cache-dir", cache.path().string(), "-f", "csv"});
        CHECK(t.out.find(",repository\r\n") != std::string::npos);
        t = run_keyfence({"audit", alpha, beta, gamma, "--cache-dir", cache.path().string(), "-f", "sarif"});
        CHECK(json::parse(t.out)["runs"][0]["results"][0]["properties"]["repository"] == alpha);
    }
    SUBCASE("an unreachable URL and a missing path are notes; the others are audited; exit 1 for the findings") {
        const auto u = run_keyfence({"audit", alpha, "git://127.0.0.1:1/nothing", (base.path() / "missing").string(), gamma, "--cache-dir",
                                     cache.path().string(), "-f", "json"});
        CHECK(u.exit_code == 1);
        CHECK(by_secret(report_of(u)).size() == 2);
        CHECK(u.err.find("note: git://127.0.0.1:1/nothing: fetching: ") != std::string::npos);
        CHECK(u.err.find("2 of 4 repositories could not be audited") != std::string::npos);
        // Nothing found but a repository failed: exit 2, never a clean pass.
        REQUIRE(run_shell("git init -q " + shell_quote((base.path() / "empty").string())).exit_code == 0);
        const auto e = run_keyfence({"audit", (base.path() / "empty").string(), "git://127.0.0.1:1/nothing", "--cache-dir", cache.path().string()});
        CHECK(e.exit_code == 2);
    }
    SUBCASE("shards 1/2 and 2/2, merged, are exactly the unsharded report; --repos reads a list") {
        base.write("repos.txt", "# our repositories\n" + alpha + "\n\n" + beta + "   # the mirror\n" + gamma + "\n");
        const std::string list = (base.path() / "repos.txt").string();
        const auto whole = run_keyfence({"audit", "--repos", list, "--cache-dir", cache.path().string(), "-f", "json"});
        std::vector<std::string> shard_files;
        std::size_t audited = 0;
        for (const char* shard : {"1/2", "2/2"}) {
            const std::string out = (base.path() / fmt::format("shard-{}.json", shard[0])).string();
            const auto s = run_keyfence({"audit", "--repos", list, "--shard", shard, "--cache-dir", cache.path().string(), "-f", "json", "-o", out});
            CHECK(s.exit_code <= 1);
            const std::size_t at = s.err.find(fmt::format("shard {}: ", shard));
            REQUIRE(at != std::string::npos);
            audited += static_cast<std::size_t>(std::stoi(s.err.substr(at + 11)));
            shard_files.push_back(out);
        }
        CHECK(audited == 3);  // every repository in exactly one shard
        const auto merged = run_keyfence({"report", "merge", shard_files[0], shard_files[1], "-f", "json"});
        CHECK(merged.exit_code == 1);
        CHECK(json::parse(merged.out) == json::parse(whole.out));
        CHECK(run_keyfence({"audit", "--shard", "3/2", alpha}).exit_code == 2);
        CHECK(run_keyfence({"audit", "--shard", "x", alpha}).exit_code == 2);
    }
}

TEST_CASE("audit --since-last scans only what was added since, reports only new keys, and survives a force-pushed remote") {
    TempDir base;
    Repo origin;
    origin.write("a.env", "OPENAI_API_KEY=" + openai_project(411) + "\n");
    origin.commit("first");
    origin.write("b.txt", "notes\n");
    origin.commit("second");
    TempDir cache;
    const std::string url = "file://" + origin.path().string();
    auto audit = [&](std::vector<std::string> extra = {}, const fs::path* cache_dir = nullptr) {
        std::vector<std::string> a{"audit", url, "--since-last", "--cache-dir", (cache_dir ? *cache_dir : cache.path()).string(), "-f", "json"};
        a.insert(a.end(), extra.begin(), extra.end());
        return run_keyfence(a);
    };
    auto r = audit();
    CHECK(r.exit_code == 1);
    CHECK(report_of(r).size() == 1);
    CHECK(r.err.find(": 2 commits, 1 finding") != std::string::npos);
    const fs::path state = cache.path() / "audit-state.json";
    REQUIRE(fs::exists(state));
    CHECK((fs::status(state).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
    CHECK(read_text(state).find(openai_project(411)) == std::string::npos);  // fingerprints only

    // Nothing new: nothing scanned, nothing reported.
    r = audit();
    CHECK(r.exit_code == 0);
    CHECK(r.err.find(": 0 commits new, 0 findings") != std::string::npos);

    // One new commit with a new key, and the old key copied: only that commit is scanned, only the new key reported.
    const std::string fresh = anthropic_api03(412);
    origin.write("c.env", "ANTHROPIC_API_KEY=" + fresh + "\nOPENAI_API_KEY=" + openai_project(411) + "\n");
    origin.commit("third");
    // The same audit from a copy of the state, with --all: the old key is reported too, where this commit added it.
    TempDir copy;
    fs::copy(cache.path(), copy.path(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    const fs::path copy_dir = copy.path();
    CHECK(by_secret(report_of(audit({"--all"}, &copy_dir))).size() == 2);
    r = audit();
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(": 1 commit new, 1 finding") != std::string::npos);
    auto f = by_secret(report_of(r));
    REQUIRE(f.size() == 1);
    CHECK(f.count(fresh) == 1);
    CHECK(f[fresh]["commit"]["summary"] == "third");

    // The remote is force-pushed: its last two commits replaced by another. The mirror follows, and the new commit is audited.
    REQUIRE(origin.git("reset -q --hard HEAD~2").exit_code == 0);
    const std::string rewritten = openrouter(413);
    origin.write("d.env", "OPENROUTER_API_KEY=" + rewritten + "\n");
    origin.commit("rewritten");
    r = audit();
    INFO(r.err);
    CHECK(r.exit_code == 1);
    f = by_secret(report_of(r));
    CHECK(f.size() == 1);
    CHECK(f.count(rewritten) == 1);
    CHECK(r.err.find(": 1 commit new, 1 finding") != std::string::npos);
}

TEST_CASE("report merge: reads JSON and JSONL, keeps every field, refuses what is not a keyfence report") {
    TempDir dir;
    Repo one, two;
    const std::string key = openai_project(421);
    one.write("x.env", "OPENAI_API_KEY=" + key + "\n");
    one.commit("one");
    two.write("y.env", "OPENAI_API_KEY=" + key + "\n");
    two.commit("two");
    const std::string a = (dir.path() / "a.json").string(), b = (dir.path() / "b.jsonl").string();
    REQUIRE(run_keyfence({"audit", one.path().string(), "-f", "json", "-o", a}).exit_code == 1);
    REQUIRE(run_keyfence({"audit", two.path().string(), "-f", "jsonl", "-o", b}).exit_code == 1);
    const auto m = run_keyfence({"report", "merge", a, b, "-f", "json"});
    CHECK(m.exit_code == 1);
    const auto j = json::parse(m.out);
    REQUIRE(j.size() == 1);
    CHECK(repositories_of(j[0]) == std::set<std::string>{one.path().string(), two.path().string()});
    // The finding is the place in the repository first by name; the other is in also_in.
    CHECK(j[0]["commit"]["summary"] == (one.path().string() < two.path().string() ? "one" : "two"));
    CHECK(j[0]["remediation"].get<std::string>().find("platform.openai.com") != std::string::npos);
    // Text masks the secret by default, as every keyfence text report does.
    const auto t = run_keyfence({"report", "merge", a, b});
    CHECK(t.out.find(key) == std::string::npos);
    // Not a report: a clear error, exit 2.
    dir.write("junk.json", "{\"hello\": 1}\n");
    const auto bad = run_keyfence({"report", "merge", (dir.path() / "junk.json").string()});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("junk.json:1: not a keyfence finding") != std::string::npos);
    CHECK(run_keyfence({"report", "merge", (dir.path() / "none.json").string()}).exit_code == 2);
}

TEST_CASE("the audit templates (GitHub Actions matrix, Kubernetes Indexed Job): their scripts, run here, merge to the unsharded report") {
    TempDir repos;
    std::string list = "# the organization\n";
    for (int i = 0; i < 5; ++i) {
        const fs::path dir = repos.path() / ("r" + std::to_string(i));
        repos.write("r" + std::to_string(i) + "/k.env", "A=" + openai_project(430 + static_cast<std::uint64_t>(i % 3)) + "\n");
        REQUIRE(run_shell("cd " + shell_quote(dir.string()) + " && git init -q && git add -A && git -c user.name=Ada -c user.email=a@x commit -qm k")
                    .exit_code == 0);
        list += dir.string() + "\n";
    }
    const std::string bin_dir = fs::path(KEYFENCE_BIN).parent_path().string();
    for (const char* name : {"audit-github-actions.yml", "audit-kubernetes-job.yaml"}) {
        INFO(std::string(name));
        const bool k8s = std::string(name).find("kubernetes") != std::string::npos;
        TempDir work;
        const fs::path root = work.path();
        work.write(k8s ? "config/repos.txt" : "repos.txt", list);
        fs::create_directories(root / "scripts");
        if (k8s) fs::create_directories(root / "audit/reports");
        const auto x = run_shell("python3 " + shell_quote(std::string(KEYFENCE_SOURCE_DIR) + "/tests/support/ci_template.py") + " " +
                                 shell_quote(std::string(KEYFENCE_SOURCE_DIR) + "/hooks/ci/" + name) + " " + shell_quote((root / "scripts").string()) +
                                 " " + shell_quote(root.string()));
        REQUIRE_MESSAGE(x.exit_code == 0, x.err);
        const std::string env = "cd " + shell_quote(root.string()) + " && PATH=" + shell_quote(bin_dir) + ":$PATH HOME=" +
                                shell_quote((root / "home").string()) + " GITHUB_STEP_SUMMARY=" + shell_quote((root / "summary.md").string()) +
                                " SHARDS=2 ";
        for (int k = 1; k <= 2; ++k) {
            const auto s = run_shell(env + "SHARD=" + std::to_string(k) + (k8s ? " sh" : " bash") + " scripts/shard.sh");
            CHECK_MESSAGE(s.exit_code == 0, s.err);  // keys found is the merge's verdict, not the shard's
        }
        const auto m = run_shell(env + (k8s ? "sh" : "bash") + " scripts/merge.sh");  // the pod's sh -c, GitHub's bash
        CHECK_MESSAGE(m.exit_code == 1, m.err);  // keys found
        const auto whole = run_keyfence({"audit", "--repos", (root / (k8s ? "config/repos.txt" : "repos.txt")).string(), "-f", "json"});
        const fs::path merged = root / (k8s ? "audit/reports/keyfence.json" : "keyfence.json");
        REQUIRE(fs::exists(merged));
        CHECK(json::parse(read_text(merged)) == json::parse(whole.out));
        CHECK(json::parse(whole.out).size() == 3);  // three keys, in five repositories
    }
}

TEST_CASE("audit: a remote that never answers costs only itself: --fetch-timeout and --timeout end its fetch") {
    TempDir dir;
    Repo local;
    local.write("k.env", "OPENAI_API_KEY=" + openai_project(440) + "\n");
    local.commit("k");
    // A server that accepts connections and never says a word.
    const fs::path port_file = dir.path() / "port";
    const auto s = run_shell("python3 -c 'import socket,time,os\ns=socket.socket(); s.bind((\"127.0.0.1\", 0)); s.listen(8)\n"
                             "open(\"" + port_file.string() + ".tmp\",\"w\").write(str(s.getsockname()[1])); os.rename(\"" + port_file.string() +
                             ".tmp\", \"" + port_file.string() + "\")\nconns=[]\nwhile True: conns.append(s.accept())' >/dev/null 2>&1 & echo $!");
    REQUIRE(s.exit_code == 0);
    const int pid = std::stoi(s.out);
    for (int i = 0; i < 200 && !fs::exists(port_file); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    REQUIRE(fs::exists(port_file));
    const std::string silent = "git://127.0.0.1:" + read_text(port_file) + "/repo";
    TempDir cache;

    auto r = run_keyfence({"audit", silent, local.path().string(), "--fetch-timeout", "2s", "--cache-dir", cache.path().string(), "-f", "json"});
    CHECK(r.exit_code == 1);
    CHECK(report_of(r).size() == 1);
    CHECK(r.err.find("note: " + silent + ": fetching: no end after 2 s, stopped (--fetch-timeout)") != std::string::npos);

    r = run_keyfence({"audit", local.path().string(), silent, "--timeout", "2s", "--cache-dir", cache.path().string(), "-f", "json"});
    CHECK(r.exit_code == 1);  // the local repository's key, in a report marked partial
    CHECK(report_of(r).size() == 1);
    CHECK(r.err.find("timed out after 2s (--timeout)") != std::string::npos);
    ::kill(pid, SIGTERM);
}
