#pragma once
// ReportSession: everything between a scan's findings and the user. It loads the ignore file and the
// baseline before the scan, streams jsonl as jobs finish, and at the end filters, writes the report
// (stdout or a 0600 file), prints the summary and returns the exit code.
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "report/baseline.hpp"
#include "report/ignore_list.hpp"
#include "core/private_file.hpp"
#include "report/reporter.hpp"
#include "scan/scheduler.hpp"

namespace keyfence::cli {

class ReportSession {
public:
    // Validates the format and loads .keyfenceignore (at root) and --baseline; throws keyfence::Error.
    ReportSession(const ScanArgs& args, const std::optional<std::filesystem::path>& root);

    // For ScanOptions::on_job_findings when the format streams (jsonl); empty otherwise.
    std::function<void(const std::vector<Finding>&)> stream_callback();

    // Replaces the .keyfenceignore loaded from the work tree (the range gate reads the base commit's).
    void set_ignore_list(report::IgnoreList list) { ignore_ = std::move(list); }

    // The rules the findings came from: their [rules.validate] tables serve --validate.
    void set_rules(const rules::RuleSet& rules) { rules_ = &rules; }

    // What the scanned range changes in the gate's own config, for every report format to show.
    void set_config_change(report::ConfigChange change);

    ~ReportSession();

    // Applies the ignore file and baseline, writes the report (unless streamed), prints the summary;
    // returns 0 clean, 1 findings, 2 interrupted without findings. Called at most once: if the watchdog
    // already writes the report (a worker did not stop in time), this waits for it to exit the process.
    int finish(scan::ScanResult& result);

    // A line for stderr when the scan ends early with nothing found (staged: the commit is blocked).
    void set_stopped_early_note(std::string note) { stopped_early_note_ = std::move(note); }

    // For the watchdog: true for the first caller only; that caller then calls finish_claimed.
    bool claim() { return !claimed_.exchange(true); }
    int finish_claimed(scan::ScanResult& result);

private:
    const ScanArgs& args_;
    report::ReportOptions options_;
    std::unique_ptr<report::Reporter> reporter_;
    report::IgnoreList ignore_;
    std::optional<report::Baseline> baseline_;
    std::unique_ptr<PrivateFile> stream_file_;  // jsonl with --output
    bool streamed_ = false;
    std::atomic<bool> claimed_{false};
    std::string stopped_early_note_;
    const rules::RuleSet* rules_ = nullptr;
    void validate(std::vector<Finding>& findings) const;
};

}  // namespace keyfence::cli
