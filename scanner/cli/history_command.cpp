// keyfence history [REPO] [REVISION-RANGE...]: the full-history audit and the CI range gate.
//
// For a range (A..B, or revisions with a ^A exclusion) the gate's own config — .keyfence.toml, the
// files it extends, .keyfenceignore — is read as committed at the base A, from the object database:
// the head B is what is under review, and a pull request must not be able to switch its own gate off.
// What the range changes in that config is reported (every format), and fails the run with --strict-config.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "cli/common.hpp"
#include "cli/gate_config.hpp"
#include "cli/pushed_ranges.hpp"
#include "core/stop.hpp"
#include "cli/report_session.hpp"
#include "core/git_handles.hpp"
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
    hopts.threads = args.threads;

    // What a push adds, and the range's config, before the walk: a broken trusted config fails fast.
    std::optional<GateConfig> gate;
    std::optional<std::filesystem::path> root;  // the work tree (the git dir of a bare repository)
    {
        GitRepository git = open_repository(repo);
        const char* workdir = git_repository_workdir(git.get());
        root = workdir ? workdir : git_repository_path(git.get());
        if (args.pushed) {
            if (args.paths.size() > 1) throw Error("--pushed reads the pushed revisions itself: give no revision range with it");
            const char* env_remote = std::getenv("PRE_COMMIT_REMOTE_NAME");
            const std::string remote = !args.remote.empty() ? args.remote : env_remote && *env_remote ? env_remote : "origin";
            hopts.revisions = pushed_revisions(git.get(), remote, std::cin);
            if (hopts.revisions.empty()) {
                std::cerr << "keyfence: this push adds no commits to scan\n";
                return static_cast<int>(ExitCode::kClean);
            }
        }
        if (const std::optional<RangeEnds> range = range_ends(git.get(), hopts.revisions)) gate = gate_config(git.get(), *range);
    }
    if (!gate && args.strict_config) std::cerr << "warning: --strict-config has no effect without a revision range (A..B or ^A)\n";
    // Before the walk, which can take a while: a stop during it still ends with a (partial) report.
    ReportSession session(args, root);
    source::HistorySource history(repo, hopts);
    rules::RuleSet rules;
    if (gate && !args.common.config && !args.config_from_head) {
        rules = std::move(gate->base_rules);
        for (const std::string& w : rules.warnings) std::cerr << "warning: " << w << "\n";
    } else {
        rules = load_rules(args.common, root);  // --config FILE wins; --config-from-head or no range: the work tree
    }
    if (gate && !args.config_from_head) session.set_ignore_list(std::move(gate->base_ignore));
    if (gate) {
        report::ConfigChange& c = gate->change;
        c.rules_from = args.common.config ? "--config " + *args.common.config
                       : args.config_from_head ? "the work tree (--config-from-head)"
                                               : fmt::format("{} and {} as committed at the base {}", kRuleFile, kIgnoreFile, gate->base_id.substr(0, 12));
        c.fails_gate = args.strict_config && c.changed();
        if (c.changed()) {
            for (const std::string& line : report::config_change_lines(c)) std::cerr << "warning: " << line << "\n";
            session.set_config_change(c);
        }
    }
    scan::Engine engine(std::move(rules), match::default_cache_dir());

    session.set_rules(engine.rules());
    scan::ScanOptions sopts;
    sopts.threads = args.threads;
    sopts.max_decode_depth = args.max_decode_depth;
    sopts.progress = true;
    sopts.stop = hopts.stop;
    scan::ScanResult result = scan::run_scan(engine, history, sopts);
    std::cerr << fmt::format("keyfence: {} commits walked in {:.3f} s, {} unique blobs\n", history.commit_count(), history.walk_seconds(), history.job_count());
    int code = session.finish(result);
    if (gate && gate->change.fails_gate) {
        std::cerr << fmt::format("error: --strict-config: this range changes the gate's own config ({}); review that change on its own, "
                                 "merged separately, before this range can pass\n",
                                 join_files(gate->change));
        if (code == static_cast<int>(ExitCode::kClean)) code = static_cast<int>(ExitCode::kFindings);
    }
    return code;
}

}  // namespace keyfence::cli
