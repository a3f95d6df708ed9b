#include "core/progress_line.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace keyfence {

ProgressLine::ProgressLine(bool wanted, std::function<std::string()> render) : render_(std::move(render)) {
    if (!wanted || !::isatty(STDERR_FILENO)) return;
    thread_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return done_; })) {
            std::fprintf(stderr, "\r\x1b[K%s", render_().c_str());
            std::fflush(stderr);
        }
        std::fprintf(stderr, "\r\x1b[K");
        std::fflush(stderr);
    });
}

ProgressLine::~ProgressLine() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        done_ = true;
    }
    cv_.notify_one();
    thread_.join();
}

}  // namespace keyfence
