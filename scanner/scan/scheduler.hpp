#pragma once
// Scheduler: runs a Source's jobs on N worker threads (each with its own Worker and Reader), then merges
// and sorts the results so the report is identical for any thread count.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

#include "confirm/confirmer.hpp"
#include "scan/engine.hpp"
#include "source/source.hpp"

namespace keyfence::scan {

struct ScanStats {
    std::uint64_t inputs = 0;   // files or blobs scanned
    std::uint64_t bytes = 0;
    std::uint64_t skipped = 0;  // inputs not scanned (diagnostic given)
    double seconds = 0.0;
};

struct ScanResult {
    std::vector<Finding> findings;
    std::vector<Diagnostic> diagnostics;
    ScanStats stats;
    confirm::SuppressionCounts suppressed;
    bool interrupted = false;
    bool streamed = false;  // every finding already went through ScanOptions::on_job_findings
};

struct ScanOptions {
    unsigned threads = 0;  // 0: all cores
    unsigned max_decode_depth = decode::kDefaultDecodeDepth;
    // Set from a signal handler to stop early; the result is then marked interrupted.
    const std::atomic<bool>* stop = nullptr;
    // Draw a progress line on stderr (only when stderr is a terminal; never in pipes or CI logs).
    bool progress = false;
    // Called (one call at a time) with each job's finished findings as soon as the job is scanned, when
    // the source can finish findings per job; the findings are still in the result afterwards.
    std::function<void(const std::vector<Finding>&)> on_job_findings;
};

ScanResult run_scan(const Engine& engine, const source::Source& source, const ScanOptions& options);

// The findings of the scan running now, finished as far as the jobs done so far allow, marked
// interrupted: what a report says when a stop was requested and a worker does not come back (stuck
// inside a library call). nullopt when no scan is running.
std::optional<ScanResult> snapshot_running_scan();

}  // namespace keyfence::scan
