#pragma once
// The process-wide "stop now" request (Ctrl-C, SIGTERM, SIGHUP, --timeout). Set from a signal handler or
// the watchdog; long loops and blocking reads check it, so a scan stops promptly even while waiting on
// a pipe: threads that may block in a system call register themselves, and the watchdog interrupts
// them with a no-op signal until they notice.
#include <atomic>
#include <string>

namespace keyfence {

std::atomic<bool>& stop_requested();

// Records why a stop was asked: the signal (async-signal-safe), or the deadline that passed.
void note_stop_signal(int signal_number);
void note_timeout(const std::string& reason);  // "timed out after 30s (--timeout)"
// "interrupted by SIGTERM", the timeout's reason, or "interrupted".
std::string stop_reason();
bool stopped_by_timeout();  // a deadline, not a signal

// While alive, the calling thread is one the watchdog interrupts (EINTR) once a stop is requested.
class InterruptibleScope {
public:
    InterruptibleScope();
    ~InterruptibleScope();
    InterruptibleScope(const InterruptibleScope&) = delete;
    InterruptibleScope& operator=(const InterruptibleScope&) = delete;
};

// Sends the wake signal to every registered thread (their blocking calls return EINTR).
void interrupt_registered_threads();

// Installs the no-op handler of the wake signal (SIGUSR2), without SA_RESTART. Called once at start.
void install_wake_signal();

}  // namespace keyfence
