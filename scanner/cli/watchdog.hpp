#pragma once
// How a run ends early: SIGINT, SIGTERM and SIGHUP, and --timeout. The watchdog thread turns either into
// the stop request, interrupts threads blocked in system calls, and, if the scan has not wound down a
// second later (a worker stuck inside a library call), writes the partial report itself and exits:
// a gate always finishes, and never with a silent pass.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace keyfence::cli {

class ReportSession;

// "30s", "5m", "1h", "250ms", "90" (seconds); throws keyfence::Error on anything else.
std::chrono::milliseconds parse_duration(const std::string& text);

// SIGINT, SIGTERM and SIGHUP set the stop request (a second one kills at once); installs the wake signal.
void install_stop_signals();

class Watchdog {
public:
    // timeout_text: the option as given, for the message ("30s"). emergency_report false: after a stop,
    // keep interrupting blocked threads but never write the report itself (audit, whose report merges
    // every repository's findings: a snapshot of the one scan running would lose the others').
    Watchdog(std::optional<std::chrono::milliseconds> timeout, std::string timeout_text, bool emergency_report = true);
    ~Watchdog();
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    // How long a stopped scan may take to wind down before its partial report is written for it.
    static constexpr std::chrono::milliseconds kGrace{1000};

private:
    void run();
    // Exits, unless the scan's own report is already being written.
    void write_partial_report_or_return();

    std::optional<std::chrono::steady_clock::time_point> deadline_;
    std::string timeout_text_;
    bool emergency_report_ = true;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    std::thread thread_;
};

// The report session the watchdog may finish in an emergency (ReportSession registers itself).
void watch_session(ReportSession* session);

}  // namespace keyfence::cli
