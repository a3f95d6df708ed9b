#include "cli/report_session.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "cli/common.hpp"
#include "cli/watchdog.hpp"
#include "core/stop.hpp"
#include "report/json_reporter.hpp"
#include "match/database_cache.hpp"
#include "validate/validator.hpp"

namespace keyfence::cli {

ReportSession::ReportSession(const ScanArgs& args, const std::optional<std::filesystem::path>& root) : args_(args) {
    if ((args.only_live || args.fail_on == "live") && !args.validate)
        throw Error(args.only_live ? "--only-live needs --validate" : "--fail-on live needs --validate");
    if (args.validate) parse_duration(args.validate_timeout);  // a bad duration fails before any work
    options_.secrets.display = args.redact == 0  ? report::SecretDisplay::kRedacted
                               : args.redact > 0 ? report::SecretDisplay::kPartial
                               : args.show_secrets ? report::SecretDisplay::kFull
                                                   : report::SecretDisplay::kDefault;
    options_.secrets.visible_percent = args.redact > 0 ? static_cast<unsigned>(args.redact) : 0;
    options_.color = args.color == "always" || (args.color == "auto" && !args.output && ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR"));
    options_.tool_version = args.tool_version;
    options_.validated = args.validate;
    options_ = report::resolved_options(args.format, options_);  // an unknown format fails before any work
    reporter_ = report::make_reporter(args.format, options_);
    if (args.baseline) baseline_ = report::Baseline::load(*args.baseline);
    if (root) ignore_ = report::IgnoreList::load(*root / ".keyfenceignore");
    watch_session(this);
}

ReportSession::~ReportSession() { watch_session(nullptr); }

void ReportSession::set_config_change(report::ConfigChange change) {
    options_.config_change = std::move(change);
    reporter_ = report::make_reporter(args_.format, options_);
}

std::function<void(const std::vector<Finding>&)> ReportSession::stream_callback() {
    if (args_.format != "jsonl" || args_.validate) return {};  // validation happens once all keys are known
    if (args_.output) stream_file_ = std::make_unique<PrivateFile>(*args_.output);
    streamed_ = true;
    return [this](const std::vector<Finding>& findings) {
        std::string lines;
        for (const Finding& f : findings)
            if (!ignore_.ignores(f) && !(baseline_ && baseline_->contains(f)))
                lines += report::finding_to_json(f, options_).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
        if (lines.empty()) return;
        if (stream_file_) stream_file_->write(lines);
        else std::cout << lines << std::flush;
    };
}

int ReportSession::finish(scan::ScanResult& result) {
    if (!claim())
        for (;;) ::pause();  // the watchdog is writing the partial report and will end the process
    return finish_claimed(result);
}

int ReportSession::finish_claimed(scan::ScanResult& result) {
    auto& findings = result.findings;
    const auto before_ignore = findings.size();
    std::erase_if(findings, [&](const Finding& f) { return ignore_.ignores(f); });
    result.suppressed.ignore_file += before_ignore - findings.size();
    if (args_.write_baseline) write_private_file(*args_.write_baseline, report::baseline_text(findings));
    if (baseline_) {
        const auto before = findings.size();
        std::erase_if(findings, [&](const Finding& f) { return baseline_->contains(f); });
        result.suppressed.baseline += before - findings.size();
    }
    if (args_.validate && !result.interrupted) validate(findings);
    if (args_.only_live) std::erase_if(findings, [](const Finding& f) { return !f.validation || f.validation->status != "live"; });
    // A source that could not stream (history) is written whole, also for jsonl.
    if (!(streamed_ && result.streamed)) {
        std::ostringstream report;
        reporter_->write(findings, report);
        if (stream_file_) stream_file_->write(report.str());
        else if (args_.output) write_private_file(*args_.output, report.str());
        else std::cout << report.str() << std::flush;
    }
    if (stream_file_) stream_file_->commit();
    print_summary(result);
    const bool fails = args_.fail_on == "live" ? std::any_of(findings.begin(), findings.end(),
                                                             [](const Finding& f) { return f.validation && f.validation->status == "live"; })
                                               : !findings.empty();
    if (fails) return static_cast<int>(ExitCode::kFindings);
    if (!findings.empty() && !result.interrupted) return static_cast<int>(ExitCode::kClean);  // --fail-on live: reported, not failed
    // An interrupted scan saw only part of its input: never call that clean.
    if (!result.interrupted) return static_cast<int>(ExitCode::kClean);
    if (!stopped_early_note_.empty()) std::cerr << stopped_early_note_ << " (" << stop_reason() << ").\n";
    return static_cast<int>(ExitCode::kError);
}

void ReportSession::validate(std::vector<Finding>& findings) const {
    if (findings.empty() || !rules_) return;
    std::unique_ptr<validate::HttpClient> http;
    try {
        http = validate::HttpClient::open();
    } catch (const Error& e) {
        // Without an HTTP stack every key is unknown; the findings are reported all the same.
        std::cerr << "warning: " << e.what() << "; every finding is reported as unknown\n";
        for (Finding& f : findings) f.validation = Validation{"unknown", 0, e.what()};
        return;
    }
    validate::ValidateOptions opts;
    opts.per_request = parse_duration(args_.validate_timeout);
    std::optional<validate::ValidationCache> cache;
    if (const auto dir = match::default_cache_dir()) opts.cache = &cache.emplace(*dir / "validation.json");
    validate::validate_findings(findings, *rules_, *http, opts);
}

}  // namespace keyfence::cli
