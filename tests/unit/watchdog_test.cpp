// The watchdog's last resort, in a real child process: a worker that never returns from a call (as a
// library stuck in a loop would) must not keep a stopped scan alive. Within a second of the stop, the
// watchdog writes the report of the jobs already scanned, says it is partial, and exits.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "cli/report_session.hpp"
#include "cli/watchdog.hpp"
#include "core/stop.hpp"
#include "support/engine_helpers.hpp"
#include "support/fake_keys.hpp"
#include "support/run.hpp"

using namespace keyfence;
using namespace keyfence::test;

namespace {

// Job 0 holds a key; job 1 sends SIGTERM and never finishes loading, ignoring the wake signal and the
// stop request alike.
class StuckSource : public source::Source {
public:
    explicit StuckSource(std::string key) : text_("k=" + std::move(key) + "\n") {}
    std::size_t job_count() const override { return 2; }
    const std::vector<Diagnostic>& enumeration_diagnostics() const override { return none_; }
    std::unique_ptr<source::Reader> make_reader() const override {
        struct Reader : source::Reader {
            const std::string& text;
            explicit Reader(const std::string& t) : text(t) {}
            source::LoadStatus load(std::size_t i, std::string&, Input& in, std::vector<Diagnostic>&) override {
                if (i == 1) {  // the stop arrives while this call is stuck in its loop
                    ::kill(::getpid(), SIGTERM);
                    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
                }
                in.content = text;
                in.path = "first.txt";
                return source::LoadStatus::kLoaded;
            }
        };
        return std::make_unique<Reader>(text_);
    }

private:
    std::string text_;
    std::vector<Diagnostic> none_;
};

}  // namespace

TEST_CASE("a worker stuck in a call: the watchdog writes the partial report within a second or two and exits 1") {
    TempDir dir;
    const std::string report = (dir.path() / "report.json").string();
    const scan::Engine& engine = builtin_engine();  // compiled before the clock starts
    const auto started = std::chrono::steady_clock::now();
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(STDERR_FILENO);  // keep the suite's output clean
        cli::ScanArgs args;
        args.format = "json";
        args.output = report;
        cli::install_stop_signals();
        cli::Watchdog watchdog(std::nullopt, "");
        cli::ReportSession session(args, std::nullopt);
        StuckSource source(openai_legacy(801));
        scan::ScanOptions options;
        options.threads = 1;  // job 0, then job 1 on the same thread: the key is found before it sticks
        options.stop = &stop_requested();
        scan::ScanResult result = scan::run_scan(engine, source, options);  // never returns
        std::_Exit(session.finish(result) + 100);  // reached only if the stuck job returned
    }
    int status = 0;
    for (int i = 0; i < 1000 && ::waitpid(child, &status, WNOHANG) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const bool exited = ::waitpid(child, &status, WNOHANG) == child || WIFEXITED(status);
    if (!exited) {
        ::kill(child, SIGKILL);
        ::waitpid(child, &status, 0);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    REQUIRE(exited);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);  // the key found before the worker stuck
    CHECK(seconds < 2.0);
    const auto j = nlohmann::json::parse(read_text(report));
    REQUIRE(j.size() == 1);
    CHECK(j[0]["path"] == "first.txt");
}
