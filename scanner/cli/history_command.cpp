// keyfence history [REPO] [REVISION-RANGE...]: the full-history audit and the CI range gate.
#include <fmt/format.h>

#include <iostream>

#include "cli/common.hpp"
#include "core/stop.hpp"
#include "cli/report_session.hpp"
#include "match/database_cache.hpp"
#include "report/reporter.hpp"
#include "source/git/history_source.hpp"

namespace keyfence::cli {

int history_command(const ScanArgs& args) {
    report::check_format(args.format);  // before the walk, which can take a while
    const std::string repo = args.paths.empty() ? "." : args.paths.front();
    source::HistoryOptions hopts;
    if (args.paths.size() > 1) hopts.revisions.assign(args.paths.begin() + 1, args.paths.end());
    hopts.include_unreachable = args.include_unreachable;
    hopts.max_file_size = args.max_file_size;
    hopts.stop = &stop_requested();
    hopts.progress = true;
    source::HistorySource history(repo, hopts);
    const std::optional<std::filesystem::path> root = history.root();
    ReportSession session(args, root);
    scan::Engine engine(load_rules(args.common, root), match::default_cache_dir());

    scan::ScanOptions sopts;
    sopts.threads = args.threads;
    sopts.progress = true;
    sopts.stop = hopts.stop;
    scan::ScanResult result = scan::run_scan(engine, history, sopts);
    std::cerr << fmt::format("keyfence: {} commits walked, {} unique blobs\n", history.commit_count(), history.job_count());
    return session.finish(result);
}

}  // namespace keyfence::cli
