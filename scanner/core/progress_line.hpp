#pragma once
// ProgressLine: a status line on stderr, redrawn in place a few times a second by its own thread, only
// when stderr is a terminal (never in pipes or CI logs). Cleared when the object dies.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace keyfence {

class ProgressLine {
public:
    // render() is called on the progress thread; it must only read atomics or other thread-safe state.
    ProgressLine(bool wanted, std::function<std::string()> render);
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

private:
    std::function<std::string()> render_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
};

}  // namespace keyfence
