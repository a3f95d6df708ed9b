#include "cli/watchdog.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cli/report_session.hpp"
#include "core/error.hpp"
#include "core/stop.hpp"
#include "scan/scheduler.hpp"

namespace keyfence::cli {
namespace {

std::mutex g_session_mutex;
ReportSession* g_session = nullptr;

extern "C" void on_stop_signal(int sig) {
    note_stop_signal(sig);
    if (stop_requested().exchange(true)) {  // second signal: stop now
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }
}

}  // namespace

std::chrono::milliseconds parse_duration(const std::string& text) {
    std::size_t used = 0;
    double n = -1;
    try {
        n = std::stod(text, &used);
    } catch (const std::exception&) {
    }
    const std::string unit = used <= text.size() ? text.substr(used) : "";
    double scale = 0;
    if (unit.empty() || unit == "s") scale = 1000;
    else if (unit == "ms") scale = 1;
    else if (unit == "m") scale = 60'000;
    else if (unit == "h") scale = 3'600'000;
    if (n <= 0 || scale == 0 || n * scale > 1e12)
        throw Error(fmt::format("invalid duration '{}' (try 30s, 5m, 1h or 250ms)", text));
    return std::chrono::milliseconds(static_cast<long long>(n * scale));
}

void install_stop_signals() {
    // No SA_RESTART: a read blocked on a pipe or FIFO returns EINTR, and the reader sees the request.
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
    install_wake_signal();
}

void watch_session(ReportSession* session) {
    std::lock_guard lock(g_session_mutex);
    g_session = session;
}

Watchdog::Watchdog(std::optional<std::chrono::milliseconds> timeout, std::string timeout_text, bool emergency_report)
    : timeout_text_(std::move(timeout_text)), emergency_report_(emergency_report) {
    if (timeout) deadline_ = std::chrono::steady_clock::now() + *timeout;
    thread_ = std::thread([this] { run(); });
}

Watchdog::~Watchdog() {
    {
        std::lock_guard lock(mutex_);
        done_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void Watchdog::run() {
    using clock = std::chrono::steady_clock;
    std::optional<clock::time_point> stopped_at;
    std::unique_lock lock(mutex_);
    auto next_tick = [&] {
        const auto tick = clock::now() + std::chrono::milliseconds(20);
        return deadline_ && !stopped_at ? std::min(tick, *deadline_) : tick;
    };
    while (!wake_.wait_until(lock, next_tick(), [this] { return done_; })) {
        const auto now = clock::now();
        if (!stopped_at) {
            if (deadline_ && now >= *deadline_ && !stop_requested()) {
                note_timeout(fmt::format("timed out after {} (--timeout)", timeout_text_));
                stop_requested().store(true);
            }
            if (stop_requested()) stopped_at = now;
            continue;
        }
        interrupt_registered_threads();  // blocked reads return EINTR and see the request
        if (emergency_report_ && now - *stopped_at >= kGrace) {
            lock.unlock();
            write_partial_report_or_return();
            return;  // the scan's own report is being written: nothing more to watch
        }
    }
}

void Watchdog::write_partial_report_or_return() {
    ReportSession* session = nullptr;
    {
        std::lock_guard lock(g_session_mutex);
        session = g_session;
    }
    if (!session) {
        std::cerr << "error: " << stop_reason() << " before the scan began: nothing was scanned\n";
        std::_Exit(static_cast<int>(ExitCode::kError));
    }
    if (!session->claim()) return;  // the scan did wind down and its report is being written
    std::cerr << "warning: a worker did not stop within " << kGrace.count() << " ms; writing the report of what was scanned\n";
    // On its own thread, with a deadline of its own: even finishing the findings may touch the library a
    // worker is stuck in.
    std::thread([session] {
        scan::ScanResult result = scan::snapshot_running_scan().value_or(scan::ScanResult{});
        result.interrupted = true;
        const int code = session->finish_claimed(result);
        std::cout.flush();
        std::cerr.flush();
        std::_Exit(code);
    }).detach();
    std::this_thread::sleep_for(std::chrono::seconds(3));
    std::cerr << "error: " << stop_reason() << ": the partial report could not be written in time\n";
    std::_Exit(static_cast<int>(ExitCode::kError));
}

}  // namespace keyfence::cli
