// keyfence scan PATH...: files, directories and standard input.
#include "cli/common.hpp"
#include "match/database_cache.hpp"
#include "report/reporter.hpp"
#include "source/file_source.hpp"

namespace keyfence::cli {

int scan_command(const ScanArgs& args) {
    report::check_format(args.format);  // an unknown format fails before any work
    const std::string first = args.paths.front() == "-" ? std::string(".") : args.paths.front();
    const auto root = find_repo_root(first);
    scan::Engine engine(load_rules(args.common, root), match::default_cache_dir());
    source::FileSource files(args.paths, args.max_file_size);

    scan::ScanOptions sopts;
    sopts.threads = args.threads;
    sopts.progress = true;
    sopts.stop = &install_stop_flag();
    scan::ScanResult result = scan::run_scan(engine, files, sopts);
    return report_and_exit_code(args, result, root);
}

}  // namespace keyfence::cli
