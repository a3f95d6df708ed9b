#pragma once
// The process-wide "stop now" request (Ctrl-C, SIGTERM). Set from a signal handler; long loops and
// blocking reads check it, so a scan stops promptly even while waiting on a pipe.
#include <atomic>

namespace keyfence {

std::atomic<bool>& stop_requested();

}  // namespace keyfence
