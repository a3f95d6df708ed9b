// keyfence scan PATH...: files, directories and standard input.
#include "cli/common.hpp"
#include "core/stop.hpp"
#include "cli/report_session.hpp"
#include "match/database_cache.hpp"
#include "report/reporter.hpp"
#include "source/file_source.hpp"

namespace keyfence::cli {

int scan_command(const ScanArgs& args) {
    const std::string first = args.paths.front() == "-" ? std::string(".") : args.paths.front();
    const auto root = find_repo_root(first);
    ReportSession session(args, root);  // a bad --format or --baseline fails before any work
    scan::Engine engine(load_rules(args.common, root), match::default_cache_dir());
    source::FileSource files(args.paths, args.max_file_size);

    session.set_rules(engine.rules());
    scan::ScanOptions sopts;
    sopts.threads = args.threads;
    sopts.max_decode_depth = args.max_decode_depth;
    sopts.progress = true;
    sopts.stop = &stop_requested();
    sopts.on_job_findings = session.stream_callback();
    scan::ScanResult result = scan::run_scan(engine, files, sopts);
    return session.finish(result);
}

}  // namespace keyfence::cli
