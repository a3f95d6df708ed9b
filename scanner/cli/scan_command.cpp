// keyfence scan PATH...: files, directories and standard input.
#include <unistd.h>

#include <iostream>
#include <sstream>

#include "cli/common.hpp"
#include "core/error.hpp"
#include "report/output_file.hpp"
#include "report/reporter.hpp"
#include "source/file_source.hpp"

namespace keyfence::cli {

int scan_command(const ScanArgs& args) {
    report::ReportOptions ropts;
    ropts.secrets = args.redact ? report::SecretDisplay::kRedacted
                    : args.show_secrets ? report::SecretDisplay::kFull
                                        : report::SecretDisplay::kMasked;
    ropts.color = args.color == "always" || (args.color == "auto" && !args.output && ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR"));
    auto reporter = report::make_reporter(args.format, ropts);  // an unknown format fails before any work

    const std::string first = args.paths.front() == "-" ? std::string(".") : args.paths.front();
    scan::Engine engine(load_rules(args.common, find_repo_root(first)));
    source::FileSource files(args.paths, args.max_file_size);

    scan::ScanOptions sopts;
    sopts.threads = args.threads;
    sopts.stop = &install_stop_flag();
    scan::ScanResult result = scan::run_scan(engine, files, sopts);

    std::ostringstream report;
    reporter->write(result.findings, report);
    if (args.output) report::write_private_file(*args.output, report.str());
    else std::cout << report.str() << std::flush;
    print_summary(result);
    return static_cast<int>(result.findings.empty() ? ExitCode::kClean : ExitCode::kFindings);
}

}  // namespace keyfence::cli
