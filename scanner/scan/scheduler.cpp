#include "scan/scheduler.hpp"

#include "core/progress_line.hpp"
#include "core/stop.hpp"

#include <algorithm>
#include <fmt/format.h>

#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

namespace keyfence::scan {
namespace {

struct WorkerResult {
    std::mutex mutex;  // guards findings, for snapshot_running_scan
    std::vector<Finding> findings;
    std::vector<Diagnostic> diagnostics;
    ScanStats stats;
    confirm::SuppressionCounts suppressed;
    std::exception_ptr error;
};

// The scan running now, for snapshot_running_scan. Registered for the whole of run_scan; the snapshot
// holds the lock while it reads, so run_scan cannot return (and free what it reads) meanwhile.
struct RunningScan {
    const source::Source* source;
    std::vector<WorkerResult>* results;
    bool streaming;
};
std::mutex g_running_mutex;
RunningScan* g_running = nullptr;

struct RunningScanScope {
    explicit RunningScanScope(RunningScan* scan) {
        std::lock_guard lock(g_running_mutex);
        g_running = scan;
    }
    ~RunningScanScope() {
        std::lock_guard lock(g_running_mutex);
        g_running = nullptr;
    }
};

}  // namespace

std::optional<ScanResult> snapshot_running_scan() {
    std::lock_guard lock(g_running_mutex);
    if (!g_running) return std::nullopt;
    ScanResult out;
    out.diagnostics = g_running->source->enumeration_diagnostics();
    for (WorkerResult& r : *g_running->results) {
        std::lock_guard worker_lock(r.mutex);
        out.findings.insert(out.findings.end(), r.findings.begin(), r.findings.end());
    }
    if (!g_running->streaming) g_running->source->finish(out.findings);
    std::sort(out.findings.begin(), out.findings.end(), finding_less);
    out.interrupted = true;
    out.streamed = g_running->streaming;
    return out;
}

ScanResult run_scan(const Engine& engine, const source::Source& source, const ScanOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    const std::size_t jobs = source.job_count();
    unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(jobs, 1)));

    std::atomic<std::size_t> cursor{0};
    std::atomic<std::uint64_t> done_inputs{0}, done_bytes{0};
    std::vector<WorkerResult> results(threads);
    const bool streaming = options.on_job_findings && source.finishes_per_job();
    std::mutex stream_mutex;
    RunningScan running{&source, &results, streaming};
    RunningScanScope running_scope(&running);
    auto work = [&](WorkerResult& r) {
        InterruptibleScope interruptible;  // a read blocked on a FIFO returns EINTR once a stop is asked
        try {
            Worker worker(engine, options.max_decode_depth);
            auto reader = source.make_reader();
            std::string buffer;
            Input in;
            std::vector<Finding> fresh;  // this job's findings
            for (;;) {
                if (options.stop && options.stop->load(std::memory_order_relaxed)) break;
                const std::size_t i = cursor.fetch_add(1, std::memory_order_relaxed);
                if (i >= jobs) break;
                if (reader->load(i, buffer, in, r.diagnostics) != source::LoadStatus::kLoaded) {
                    ++r.stats.skipped;
                    continue;
                }
                fresh.clear();
                worker.scan(in, fresh);
                for (Finding& f : fresh) f.job = i;
                if (streaming && !fresh.empty()) {
                    source.finish(fresh);
                    std::lock_guard lock(stream_mutex);
                    options.on_job_findings(fresh);
                }
                if (!fresh.empty()) {
                    std::lock_guard lock(r.mutex);
                    r.findings.insert(r.findings.end(), std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
                }
                ++r.stats.inputs;
                r.stats.bytes += in.content.size();
                done_inputs.fetch_add(1, std::memory_order_relaxed);
                done_bytes.fetch_add(in.content.size(), std::memory_order_relaxed);
            }
            r.suppressed = worker.suppressed();
            for (Diagnostic& d : worker.diagnostics()) r.diagnostics.push_back(std::move(d));
        } catch (...) {
            r.error = std::current_exception();
        }
    };
    // Progress: inputs, MB, MB/s and ETA.
    ProgressLine progress(options.progress && jobs > 0, [&] {
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const double n = static_cast<double>(done_inputs.load()), mb = static_cast<double>(done_bytes.load()) / 1e6;
        const double eta = n > 0 ? secs * (static_cast<double>(jobs) - n) / n : 0.0;
        return fmt::format("{:.0f}/{} scanned, {:.1f} MB, {:.0f} MB/s, ETA {:.0f} s", n, jobs, mb, secs > 0 ? mb / secs : 0.0, eta);
    });
    if (threads == 1) {
        work(results[0]);  // small scans start no threads
    } else {
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work, std::ref(results[t]));
        for (auto& th : pool) th.join();
    }
    ScanResult out;
    out.diagnostics = source.enumeration_diagnostics();
    for (WorkerResult& r : results) {
        std::lock_guard lock(r.mutex);
        if (r.error) std::rethrow_exception(r.error);
        out.findings.insert(out.findings.end(), std::make_move_iterator(r.findings.begin()), std::make_move_iterator(r.findings.end()));
        out.diagnostics.insert(out.diagnostics.end(), r.diagnostics.begin(), r.diagnostics.end());
        out.stats.inputs += r.stats.inputs;
        out.stats.bytes += r.stats.bytes;
        out.stats.skipped += r.stats.skipped;
        out.suppressed += r.suppressed;
    }
    if (!streaming) source.finish(out.findings);  // streamed findings were finished job by job
    // After finish(), which may meet problems of its own (a staged file it could not diff).
    for (Diagnostic& d : source.late_diagnostics()) out.diagnostics.push_back(std::move(d));
    std::sort(out.findings.begin(), out.findings.end(), finding_less);
    std::sort(out.diagnostics.begin(), out.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return a.path != b.path ? a.path < b.path : a.message < b.message;
    });
    out.interrupted = options.stop && options.stop->load();
    out.streamed = streaming;
    out.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

}  // namespace keyfence::scan
