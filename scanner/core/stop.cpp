#include "core/stop.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <mutex>
#include <vector>

namespace keyfence {
namespace {

constexpr int kWakeSignal = SIGUSR2;
std::atomic<int> g_stop_signal{0};

struct Registry {
    std::mutex mutex;
    std::vector<pthread_t> threads;
    std::string reason;
    bool timeout = false;
};
Registry& registry() {
    static Registry r;
    return r;
}

extern "C" void on_wake(int) {}  // only there so blocking calls return EINTR

}  // namespace

std::atomic<bool>& stop_requested() {
    static std::atomic<bool> flag{false};
    return flag;
}

void note_stop_signal(int signal_number) {
    int expected = 0;
    g_stop_signal.compare_exchange_strong(expected, signal_number);
}

void note_timeout(const std::string& reason) {
    std::lock_guard lock(registry().mutex);
    registry().reason = reason;
    registry().timeout = true;
}

bool stopped_by_timeout() {
    std::lock_guard lock(registry().mutex);
    return registry().timeout && g_stop_signal.load() == 0;
}

std::string stop_reason() {
    switch (g_stop_signal.load()) {
        case SIGINT: return "interrupted by SIGINT";
        case SIGTERM: return "interrupted by SIGTERM";
        case SIGHUP: return "interrupted by SIGHUP";
        default: break;
    }
    std::lock_guard lock(registry().mutex);
    return registry().reason.empty() ? "interrupted" : registry().reason;
}

InterruptibleScope::InterruptibleScope() {
    std::lock_guard lock(registry().mutex);
    registry().threads.push_back(pthread_self());
}

InterruptibleScope::~InterruptibleScope() {
    std::lock_guard lock(registry().mutex);
    auto& t = registry().threads;
    const pthread_t self = pthread_self();
    t.erase(std::find_if(t.begin(), t.end(), [&](pthread_t p) { return pthread_equal(p, self); }));
}

void interrupt_registered_threads() {
    std::lock_guard lock(registry().mutex);  // a registered thread cannot exit (and be reused) meanwhile
    for (pthread_t t : registry().threads) pthread_kill(t, kWakeSignal);
}

void install_wake_signal() {
    struct sigaction sa {};
    sa.sa_handler = on_wake;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART
    sigaction(kWakeSignal, &sa, nullptr);
}

}  // namespace keyfence
