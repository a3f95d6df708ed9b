// keyfence staged [REPO]: the pre-commit gate. Scans what the commit will contain, on added lines only.
#include <fmt/format.h>

#include <exception>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/common.hpp"
#include "core/stop.hpp"
#include "cli/report_session.hpp"
#include "core/git_handles.hpp"
#include "match/database_cache.hpp"
#include "report/reporter.hpp"
#include "source/git/staged_source.hpp"

namespace keyfence::cli {

int staged_command(const ScanArgs& args) {
    const std::string repo = args.paths.empty() ? "." : args.paths.front();
    const auto root = find_repo_root(repo);
    ReportSession session(args, root);  // a bad --format or --baseline fails before any work
    session.set_stopped_early_note("keyfence: commit blocked: the scan did not finish");
    // The two halves of set-up are independent: the index against HEAD (libgit2) on one core, the rules
    // (the compiled database from the cache) on the other. An error in either is reported, the rules' first.
    std::optional<source::StagedSource> staged;
    std::exception_ptr staged_error;
    std::thread git_side([&] {
        try {
            ensure_libgit2();
            staged.emplace(repo, args.whole_files, args.max_file_size);
        } catch (...) {
            staged_error = std::current_exception();
        }
    });
    std::optional<scan::Engine> engine;
    try {
        engine.emplace(load_rules(args.common, root), match::default_cache_dir());
    } catch (...) {
        git_side.join();
        throw;
    }
    git_side.join();
    if (staged_error) std::rethrow_exception(staged_error);

    session.set_rules(engine->rules());
    scan::ScanOptions sopts;
    sopts.threads = staged->job_count() <= 8 ? 1 : args.threads;  // small commits start no threads
    sopts.max_decode_depth = args.max_decode_depth;
    sopts.stop = &stop_requested();
    sopts.on_job_findings = session.stream_callback();
    scan::ScanResult result = scan::run_scan(*engine, *staged, sopts);
    const int code = session.finish(result);
    if (code == static_cast<int>(ExitCode::kFindings)) {
        std::cerr << fmt::format("\nkeyfence: commit blocked: {} secret{} in the staged changes.\n", result.findings.size(),
                                 result.findings.size() == 1 ? "" : "s");
        for (const Finding& f : result.findings) std::cerr << fmt::format("  {}:{}  {} ({})\n", f.path, f.line, f.description, f.rule_id);
        std::cerr << "Ways out:\n"
                     "  1. remove the key; load it from an environment variable or a git-ignored .env file; git add again\n"
                     "  2. not a secret? add `keyfence:allow` in a comment on that line\n"
                     "  3. or add its fingerprint (shown above) to .keyfenceignore at the repository root\n"
                     "If the key was ever pushed, revoke it: it is compromised.\n";
    }
    return code;
}

}  // namespace keyfence::cli
