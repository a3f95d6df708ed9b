// keyfence audit REPO_OR_URL... : the full-history audit of many repositories, one merged report.
//
// URLs are mirrored (bare) into the cache directory and fetched again on the next run. Every repository
// is audited with the same rules (--config, else the built-in ones): a repository's own .keyfence.toml
// cannot switch its audit off. Small repositories are audited in parallel, one thread each; large ones
// after them, one at a time with every thread. One repository that fails is a note; the rest go on.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <mutex>
#include <thread>

#include "audit/audit_state.hpp"
#include "audit/mirror.hpp"
#include "audit/targets.hpp"
#include "cli/common.hpp"
#include "cli/report_session.hpp"
#include "cli/watchdog.hpp"
#include "core/stop.hpp"
#include "match/database_cache.hpp"
#include "report/merge.hpp"
#include "report/report_reader.hpp"
#include "report/reporter.hpp"
#include "source/git/history_source.hpp"

namespace keyfence::cli {
namespace {

namespace fs = std::filesystem;

// Below this much in objects/ a repository is audited on one thread, beside others.
constexpr std::uintmax_t kSmallRepository = 64ull << 20;

std::uintmax_t objects_size(const std::string& repo) {
    std::uintmax_t total = 0;
    std::error_code ec;
    for (const fs::path& objects : {fs::path(repo) / ".git" / "objects", fs::path(repo) / "objects"}) {
        for (auto it = fs::recursive_directory_iterator(objects, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            if (it->is_regular_file(ec)) total += it->file_size(ec);
        ec.clear();
    }
    return total;
}

struct RepositoryRun {
    std::string target;   // as given
    std::string path;     // local path or the mirror's
    std::vector<std::string> hide;  // --since-last: tips of the last audit
    const audit::RepositoryState* last = nullptr;
    bool small = true;
    // results
    bool failed = false;
    scan::ScanResult result;
    std::vector<std::string> tips;
};

}  // namespace

int audit_command(const AuditArgs& args) {
    const ScanArgs& s = args.scan;
    report::check_format(s.format);
    if (s.baseline || s.write_baseline) throw Error("audit: --baseline and --write-baseline apply to one repository (use history)");
    std::vector<std::string> targets = s.paths;
    if (args.repos_file)
        for (std::string& t : audit::read_repo_list(*args.repos_file)) targets.push_back(std::move(t));
    {  // each repository once, in the order given
        std::vector<std::string> unique;
        for (std::string& t : targets)
            if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(std::move(t));
        targets = std::move(unique);
    }
    if (targets.empty()) throw Error("audit: give repositories or URLs, or --repos FILE");
    if (args.shard) {
        const audit::Shard shard = audit::parse_shard(*args.shard);
        std::erase_if(targets, [&](const std::string& t) { return !audit::in_shard(t, shard); });
        std::cerr << fmt::format("keyfence: shard {}: {} repositor{}\n", *args.shard, targets.size(), targets.size() == 1 ? "y" : "ies");
    }
    const std::optional<fs::path> cache_dir = args.cache_dir ? std::optional<fs::path>(*args.cache_dir)
                                              : match::default_cache_dir() ? std::optional<fs::path>(*match::default_cache_dir() / "audit")
                                                                           : std::nullopt;
    if (!cache_dir && (args.since_last || std::any_of(targets.begin(), targets.end(), audit::is_url)))
        throw Error("audit: no cache directory for mirrors and --since-last (set --cache-dir, KEYFENCE_CACHE_DIR or HOME)");
    const auto fetch_limit = std::chrono::duration_cast<std::chrono::seconds>(parse_duration(args.fetch_timeout));

    ReportSession session(s, std::nullopt);
    scan::Engine engine(load_rules(s.common, std::nullopt), match::default_cache_dir());
    session.set_rules(engine.rules());
    std::optional<audit::AuditState> state;
    if (cache_dir) state.emplace(*cache_dir / "audit-state.json");

    std::vector<RepositoryRun> runs(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) {
        RepositoryRun& r = runs[i];
        r.target = targets[i];
        if (args.since_last && state) r.last = state->find(r.target);
        if (r.last) r.hide = r.last->tips;
    }

    const unsigned threads = s.threads ? s.threads : std::max(1u, std::thread::hardware_concurrency());
    std::error_code self_error;
    const fs::path self = fs::read_symlink("/proc/self/exe", self_error);  // the binary running, for the fetch child
    std::mutex print_mutex;
    std::atomic<std::size_t> done{0};
    auto audit_one = [&](RepositoryRun& r, unsigned scan_threads) {
        try {
            if (stop_requested()) throw Error("not audited: " + stop_reason());
            if (audit::is_url(r.target)) {
                if (self.empty()) throw Error("cannot find keyfence's own binary (/proc/self/exe) to run the fetch");
                r.path = audit::mirror_dir(*cache_dir, r.target).string();
                audit::update_mirror(self, r.target, r.path, fetch_limit);
            } else {
                r.path = r.target;
            }
            source::HistoryOptions h;
            h.hide = r.hide;
            h.max_file_size = s.max_file_size;
            h.stop = &stop_requested();
            h.threads = scan_threads;
            source::HistorySource history(r.path, h);
            scan::ScanOptions o;
            o.threads = scan_threads;
            o.max_decode_depth = s.max_decode_depth;
            o.stop = h.stop;
            r.result = scan::run_scan(engine, history, o);
            r.tips = history.tips();
            for (Finding& f : r.result.findings) {
                f.repository = r.target;
                for (Place& p : f.also_in) p.repository = r.target;
            }
            for (Diagnostic& d : r.result.diagnostics) d.path = r.target + ": " + d.path;
            if (r.last && !args.all)  // reported by an earlier audit: not again
                std::erase_if(r.result.findings, [&](const Finding& f) { return r.last->reported.contains(f.fingerprint); });
            std::lock_guard lock(print_mutex);
            std::cerr << fmt::format("keyfence: [{}/{}] {}: {} commit{}{}, {} finding{}\n", ++done, runs.size(), r.target, history.commit_count(),
                                     history.commit_count() == 1 ? "" : "s", r.hide.empty() ? "" : " new", r.result.findings.size(),
                                     r.result.findings.size() == 1 ? "" : "s");
        } catch (const std::exception& e) {  // keyfence::Error, and anything else a library throws: this repository only
            r.failed = true;
            r.result = {};
            r.result.diagnostics.push_back({r.target, e.what()});
            std::lock_guard lock(print_mutex);
            std::cerr << fmt::format("keyfence: [{}/{}] {}: failed: {}\n", ++done, runs.size(), r.target, e.what());
        }
    };

    // Small repositories first, `threads` at a time with one thread each; then the large ones, each with all.
    for (RepositoryRun& r : runs) r.small = audit::is_url(r.target) || objects_size(r.target) < kSmallRepository;
    {
        std::atomic<std::size_t> next{0};
        auto worker = [&] {
            for (std::size_t i; (i = next.fetch_add(1)) < runs.size();)
                if (runs[i].small) audit_one(runs[i], 1);
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
        worker();
        for (auto& t : pool) t.join();
    }
    for (RepositoryRun& r : runs)
        if (!r.small) audit_one(r, threads);

    scan::ScanResult all;
    std::size_t failed = 0;
    for (RepositoryRun& r : runs) {
        failed += r.failed;
        all.interrupted |= r.result.interrupted;
        all.stats.inputs += r.result.stats.inputs;
        all.stats.bytes += r.result.stats.bytes;
        all.stats.skipped += r.result.stats.skipped;
        all.stats.seconds += r.result.stats.seconds;
        all.suppressed += r.result.suppressed;
        for (Diagnostic& d : r.result.diagnostics) all.diagnostics.push_back(std::move(d));
        for (Finding& f : r.result.findings) all.findings.push_back(std::move(f));
    }
    if (stop_requested()) all.interrupted = true;  // the report says it is partial; the exit code is never 0
    all.findings = report::merge_findings(std::move(all.findings));
    // The fingerprints each repository holds, before the report's filters drop any.
    std::map<std::string, std::set<std::string>> held;
    for (const Finding& f : all.findings) {
        held[f.repository].insert(f.fingerprint);
        for (const Place& p : f.also_in) held[p.repository].insert(f.fingerprint);
    }
    int code = session.finish(all);
    if (failed) std::cerr << fmt::format("keyfence: {} of {} repositories could not be audited (see the notes)\n", failed, runs.size());
    // Only a complete audit of a repository moves its --since-last mark.
    if (state) {
        for (const RepositoryRun& r : runs) {
            if (r.failed || r.result.interrupted) continue;
            audit::RepositoryState next;
            next.tips = r.tips;
            if (r.last) next.reported = r.last->reported;
            for (const std::string& fp : held[r.target]) next.reported.insert(fp);
            state->update(r.target, std::move(next));
        }
        state->save();
    }
    if (code == static_cast<int>(ExitCode::kClean) && failed) code = static_cast<int>(ExitCode::kError);
    return code;
}

int report_merge_command(const ScanArgs& args) {
    report::check_format(args.format);
    scan::ScanResult all;
    for (const std::string& file : args.paths)
        for (Finding& f : report::read_report(file)) all.findings.push_back(std::move(f));
    all.findings = report::merge_findings(std::move(all.findings));
    ScanArgs a = args;
    a.validate = false;  // the reports' own verdicts are kept
    ReportSession session(a, std::nullopt);
    return session.finish(all);
}

}  // namespace keyfence::cli

namespace keyfence::cli {

int mirror_command(const std::string& url, const std::string& dir) {
    audit::fetch_mirror(url, dir);
    return 0;
}

}  // namespace keyfence::cli
