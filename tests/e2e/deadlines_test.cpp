// End-to-end: a gate always finishes. SIGINT, SIGTERM and SIGHUP end a scan within two seconds whatever
// its threads are blocked on, with a valid partial report; --timeout does the same on its own, and the
// pre-commit gate has a 30 s deadline by default.
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

struct Stopped {
    int exit_code = -1;
    long ms_after_signal = -1;  // from the signal to the process's exit
    bool hung = false;
    std::string err;
};

// Starts `keyfence args` in the background, waits until `ready` (a shell condition) holds and then
// `delay` more seconds, sends `signal` and times how long the process takes to go. A process still
// alive 10 s after the signal is killed and reported hung.
Stopped signal_while_running(const std::string& args, const std::string& signal, const std::string& ready, double delay,
                             const fs::path& workdir) {
    const std::string err = (workdir / "stderr.txt").string();
    const auto r = run_shell("cd " + shell_quote(workdir.string()) + " && ( " + shell_quote(KEYFENCE_BIN) + " " + args + " 2>" +
                             shell_quote(err) + " & pid=$!; for i in $(seq 400); do " + ready + " && break; sleep 0.025; done; sleep " +
                             std::to_string(delay) + "; t0=$(date +%s%N); kill -" + signal +
                             " $pid; for i in $(seq 1000); do kill -0 $pid 2>/dev/null || break; sleep 0.01; done;"
                             " t1=$(date +%s%N); if kill -0 $pid 2>/dev/null; then kill -9 $pid; echo hung; fi; wait $pid;"
                             " echo rc=$? ms=$(( (t1 - t0) / 1000000 )) )");
    Stopped s;
    s.hung = r.out.find("hung") != std::string::npos;
    if (auto p = r.out.find("rc="); p != std::string::npos) s.exit_code = std::stoi(r.out.substr(p + 3));
    if (auto p = r.out.find("ms="); p != std::string::npos) s.ms_after_signal = std::stol(r.out.substr(p + 3));
    s.err = read_text(err);
    return s;
}

// A long history: 20,000 commits, each changing one of 100 files (made with git fast-import in a few
// seconds; its audit takes about 0.5 s on 2 cores). The first file holds a key.
void write_long_history(const Repo& repo, const std::string& key, int commits = 20000) {
    const std::string script = R"PY(
import base64, random, sys
r = random.Random(7)
out = sys.stdout.buffer
files = [bytearray(base64.b64encode(r.randbytes(1800))) for _ in range(100)]
files[0][:0] = b'KEY = "' + sys.argv[1].encode() + b'"\n'
for c in range(int(sys.argv[2])):
    i = c % 100
    k = 100 + (c // 100 % 20) * 60
    files[i][k:k + 40] = base64.b64encode(r.randbytes(30))
    msg = b'c%d' % c
    out.write(b'commit refs/heads/main\ncommitter A <a@b.c> %d +0000\ndata %d\n%s\n' % (1700000000 + c, len(msg), msg))
    out.write(b'M 100644 inline f%d.txt\ndata %d\n' % (i, len(files[i])) + bytes(files[i]) + b'\n')
)PY";
    repo.write("gen.py", script);
    const auto r = run_shell("cd " + shell_quote(repo.path().string()) + " && python3 gen.py " + shell_quote(key) +
                             " " + std::to_string(commits) + " | git fast-import --quiet && rm gen.py");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
}

}  // namespace

TEST_CASE("SIGINT, SIGTERM and SIGHUP end a scan blocked on FIFOs in two worker threads within 2 s, with a valid partial report") {
    for (const std::string sig : {"INT", "TERM", "HUP"}) {
        TempDir dir;
        dir.write("src/a.txt", "k=" + openai_legacy(701) + "\n");
        REQUIRE(run_shell("cd " + shell_quote(dir.path().string()) + " && mkfifo f1 f2").exit_code == 0);
        // Both workers block opening a FIFO that never gets a writer; src/ is scanned first.
        const auto s = signal_while_running("scan -j 2 src f1 f2 -f json -o report.json", sig, "true", 0.8, dir.path());
        INFO(sig << ": " << s.err);
        CHECK_FALSE(s.hung);
        CHECK(s.ms_after_signal < 2000);
        CHECK(s.err.find("interrupted by SIG" + sig + ": the report is partial") != std::string::npos);
        const json report = json::parse(read_text(dir.path() / "report.json"));  // complete, valid
        if (s.exit_code == 1) CHECK(report.size() == 1);  // src/ was scanned before the signal (the usual case)
        else CHECK((s.exit_code == 2 && report.empty()));  // never 0: a partial scan is not a clean one
    }
}

TEST_CASE("SIGTERM during a long history scan: gone within 2 s, the partial report is valid JSON") {
    Repo repo;
    write_long_history(repo, openai_project(702));
    // The signal lands halfway through a whole run timed here first: a fixed delay would arrive after the
    // end on a fast machine (the audit of this history went from 2 s to under 0.5 s).
    const auto full = run_shell("cd " + shell_quote(repo.path().string()) + " && t0=$(date +%s%N); " + shell_quote(KEYFENCE_BIN) +
                                " history . -f json -o full.json 2>/dev/null; echo ms=$(( ($(date +%s%N) - t0) / 1000000 ))");
    const long whole_ms = std::stol(full.out.substr(full.out.find("ms=") + 3));
    REQUIRE_MESSAGE(whole_ms >= 100, "the history is too short to interrupt reliably: " << whole_ms << " ms");
    for (const std::string sig : {"TERM", "HUP"}) {
        const auto s = signal_while_running("history . -f json -o report.json", sig, "true", whole_ms / 2000.0, repo.path());
        INFO(s.err);
        CHECK_FALSE(s.hung);
        CHECK(s.ms_after_signal < 2000);
        CHECK(s.err.find("the report is partial") != std::string::npos);
        CHECK((s.exit_code == 1 || s.exit_code == 2));
        CHECK_NOTHROW(json::parse(read_text(repo.path() / "report.json")));
    }
}

TEST_CASE("--timeout ends a scan that would wait forever: exit 2, a clear message, the report of what was scanned") {
    TempDir dir;
    dir.write("src/clean.txt", "nothing here\n");
    REQUIRE(run_shell("mkfifo " + shell_quote((dir.path() / "fifo").string())).exit_code == 0);
    const auto r = run_shell("cd " + shell_quote(dir.path().string()) + " && timeout -s KILL 20 " + shell_quote(KEYFENCE_BIN) +
                             " scan src fifo --timeout 1s -f sarif -o report.sarif; echo rc=$?");
    INFO(r.out << r.err);
    CHECK(r.out.find("rc=2") != std::string::npos);
    CHECK(r.err.find("error: timed out after 1s (--timeout): the report is partial") != std::string::npos);
    CHECK_NOTHROW(json::parse(read_text(dir.path() / "report.sarif")));

    // With a secret found before the deadline, the exit code says so.
    dir.write("src/key.txt", "k=" + openai_legacy(703) + "\n");
    const auto f = run_shell("cd " + shell_quote(dir.path().string()) + " && timeout -s KILL 20 " + shell_quote(KEYFENCE_BIN) +
                             " scan -j 1 src fifo --timeout 1500ms; echo rc=$?");
    CHECK(f.out.find("rc=1") != std::string::npos);

    CHECK(run_keyfence({"scan", dir.path().string(), "--timeout", "soon"}).exit_code == 2);  // a bad duration is a usage error
}

TEST_CASE("the pre-commit gate past its deadline blocks the commit: exit 2, never a silent pass") {
    Repo repo;
    write_long_history(repo, openai_project(704), 100);  // HEAD has 100 files; stage a large change to each
    REQUIRE(repo.git("reset -q --hard main").exit_code == 0);
    for (int i = 0; i < 100; ++i) {
        std::string lines;
        for (int l = 0; l < 4000; ++l) lines += "line " + std::to_string(l * 7 + i) + " of file " + std::to_string(i) + "\n";
        repo.write("f" + std::to_string(i) + ".txt", lines);
    }
    REQUIRE(repo.git("add -A").exit_code == 0);
    const auto r = run_shell("timeout -s KILL 20 " + shell_quote(KEYFENCE_BIN) + " staged " + shell_quote(repo.path().string()) +
                             " --timeout 1ms; echo rc=$?");
    INFO(r.out << r.err);
    CHECK(r.out.find("rc=2") != std::string::npos);
    CHECK(r.err.find("timed out after 1ms (--timeout)") != std::string::npos);
    CHECK(r.err.find("commit blocked") != std::string::npos);
    // Without --timeout the same commit is scanned whole under the default 30 s deadline. The rule
    // database is compiled first without a deadline: a cold compile under ASan takes ~18 s by itself.
    REQUIRE(run_keyfence({"scan", (repo.path() / "f0.txt").string()}).exit_code == 0);
    CHECK(run_keyfence({"staged", repo.path().string()}).exit_code == 0);
}
