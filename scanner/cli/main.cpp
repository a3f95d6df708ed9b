// keyfence: a secret scanner for git. This file wires the command line to the subcommands.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <git2.h>

#include <iostream>
#include <tuple>

#include "cli/commands.hpp"
#include "cli/cli_docs.hpp"
#include "cli/common.hpp"
#include "cli/watchdog.hpp"
#include "core/error.hpp"
#include "match/regex_engine.hpp"

namespace kc = keyfence::cli;

int main(int argc, char** argv) {
    CLI::App app{"keyfence: finds API keys and other secrets before they leave your machine"};
    app.require_subcommand(1);
    app.set_version_flag("--version", [] {
        int major = 0, minor = 0, rev = 0;
        git_libgit2_version(&major, &minor, &rev);
        return fmt::format("keyfence {} (commit {})\n{}\nlibgit2 {}.{}.{}\nRE2 {}", KEYFENCE_VERSION, KEYFENCE_COMMIT,
                           keyfence::match::regex_engine::version_line(), major, minor, rev, KEYFENCE_RE2_VERSION);
    });

    // Options every scanning command shares.
    auto add_scan_options = [](CLI::App* cmd, kc::ScanArgs& a, std::string& max_size) {
        cmd->add_option("-c,--config", a.common.config, "Rule file (default: .keyfence.toml at the repository root, else the built-in rules; for a history range: as committed at the range's base)");
        cmd->add_option("-f,--format", a.format, "Report format: text, json, jsonl, csv, sarif, junit or filter-repo")->capture_default_str();
        cmd->add_option("-o,--output", a.output, "Write the report to FILE (mode 0600) instead of stdout");
        // A flag that also takes a value: --redact hides secrets fully, --redact=N keeps N% visible.
        cmd->add_flag("--redact{all}", a.redact_arg, "Hide secrets in every format: --redact replaces them with REDACTED, --redact=N keeps N% visible");
        cmd->add_option("--baseline", a.baseline, "Report only findings not in this baseline file (keyfence's, or a gitleaks JSON report)");
        cmd->add_option("--write-baseline", a.write_baseline, "Write this run's findings as a baseline file (hashes only, no secrets)");
        cmd->add_flag("--show-secrets", a.show_secrets, "Print secrets whole in the text report (masked by default)");
        cmd->add_option("--color", a.color, "Color the text report: auto, always or never")->capture_default_str()->check(CLI::IsMember({"auto", "always", "never"}));
        cmd->add_option("--max-file-size", max_size, "Skip (with a note) files larger than this, e.g. 100MB, 512K")->capture_default_str();
        cmd->add_option("-j,--threads", a.threads, "Worker threads (default: all cores)");
        cmd->add_option("--max-decode-depth", a.max_decode_depth,
                        "Decode base64, percent-encoded, hex and \\u/\\x-escaped text and scan it again, up to N encodings deep "
                        "(0: do not decode)")
            ->capture_default_str();
        cmd->add_flag("--validate", a.validate,
                      "Send each distinct key found to the host its rule names (HTTPS, one read-only request) and report it live, "
                      "invalid or unknown; nothing is sent without this flag");
        cmd->add_flag("--only-live", a.only_live, "With --validate: report only the keys the provider accepted");
        cmd->add_option("--fail-on", a.fail_on, "Exit 1 on any finding (default) or, with --validate, only on a live one")
            ->capture_default_str()
            ->check(CLI::IsMember({"any", "live"}));
        cmd->add_option("--validate-timeout", a.validate_timeout, "With --validate: the limit for each request (e.g. 5s, 800ms)")
            ->capture_default_str();
        cmd->add_option("--timeout", a.timeout,
                        "Stop after DURATION (30s, 5m, 1h): report what was scanned and exit 2, or 1 if secrets were found "
                        "(default: none; 30s for staged)");
    };
    std::string max_size = "100MB";

    kc::ScanArgs scan;
    CLI::App* scan_cmd = app.add_subcommand("scan", "Scan files, directories (recursively, never inside .git/) or - for stdin");
    scan_cmd->add_option("paths", scan.paths, "Files or directories to scan; - reads standard input")->required();
    add_scan_options(scan_cmd, scan, max_size);

    kc::ScanArgs staged;
    CLI::App* staged_cmd = app.add_subcommand("staged", "Pre-commit gate: scan what is staged (the index), on added lines");
    staged_cmd->add_option("repo", staged.paths, "Repository (default: the current directory)")->expected(0, 1);
    staged_cmd->add_flag("--whole-files", staged.whole_files, "Scan whole staged files, not only the lines the commit adds");
    add_scan_options(staged_cmd, staged, max_size);

    kc::ScanArgs history;
    CLI::App* history_cmd = app.add_subcommand("history", "Audit every blob ever committed (or what a revision range adds)");
    history_cmd->add_option("repo_and_revisions", history.paths, "[REPO] [REVISION-RANGE...], e.g. . origin/main..HEAD");
    history_cmd->add_flag("--include-unreachable", history.include_unreachable, "Also scan blobs no ref reaches (dangling objects)");
    history_cmd->add_flag("--config-from-head", history.config_from_head, "For a range: read .keyfence.toml and .keyfenceignore from the work tree, not as committed at the range's base");
    history_cmd->add_flag("--strict-config", history.strict_config, "For a range: fail (exit 1) when the range changes .keyfence.toml or .keyfenceignore");
    history_cmd->add_flag("--pushed", history.pushed,
                          "Pre-push gate: scan only what a push adds, read from git's pre-push input on stdin or from pre-commit's "
                          "PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF");
    history_cmd->add_option("--remote", history.remote, "With --pushed: the remote pushed to (default: $PRE_COMMIT_REMOTE_NAME, else origin)");
    add_scan_options(history_cmd, history, max_size);

    kc::AuditArgs audit;
    CLI::App* audit_cmd = app.add_subcommand("audit", "Audit the full history of many repositories (paths or URLs) into one merged report");
    audit_cmd->add_option("repos", audit.scan.paths, "Repositories: local paths, or https://, ssh://, git://, file:// and user@host:path URLs");
    audit_cmd->add_option("--repos", audit.repos_file, "Also the repositories listed in FILE, one per line (# comments; - for stdin)");
    audit_cmd->add_option("--cache-dir", audit.cache_dir, "Where URLs are mirrored and --since-last keeps its state (default: keyfence's cache dir/audit)");
    audit_cmd->add_option("--shard", audit.shard, "Audit only shard K of N (1 <= K <= N), a stable share of the repositories by a hash of each name");
    audit_cmd->add_flag("--since-last", audit.since_last, "Audit only commits added since this repository's last successful audit, report only new keys");
    audit_cmd->add_flag("--all", audit.all, "With --since-last: also report keys an earlier audit already reported");
    audit_cmd->add_option("--fetch-timeout", audit.fetch_timeout, "Stop a clone or fetch that takes longer (e.g. 10m)")->capture_default_str();
    add_scan_options(audit_cmd, audit.scan, max_size);

    kc::ScanArgs merge;
    CLI::App* report_cmd = app.add_subcommand("report", "Work with keyfence reports");
    report_cmd->require_subcommand(1);
    CLI::App* merge_cmd = report_cmd->add_subcommand("merge", "Merge keyfence JSON/JSONL reports: one finding per rule and secret, every other place in also_in");
    merge_cmd->add_option("reports", merge.paths, "Report files (JSON or JSONL; - for stdin)")->required();
    merge_cmd->add_option("-f,--format", merge.format, "Report format: text, json, jsonl, csv, sarif, junit or filter-repo")->capture_default_str();
    merge_cmd->add_option("-o,--output", merge.output, "Write the report to FILE (mode 0600) instead of stdout");
    merge_cmd->add_flag("--redact{all}", merge.redact_arg, "Hide secrets: --redact replaces them with REDACTED, --redact=N keeps N% visible");
    merge_cmd->add_flag("--show-secrets", merge.show_secrets, "Print secrets whole in the text report (masked by default)");
    merge_cmd->add_option("--color", merge.color, "Color the text report: auto, always or never")->capture_default_str()->check(CLI::IsMember({"auto", "always", "never"}));

    std::string mirror_url, mirror_dir;
    CLI::App* mirror_cmd = app.add_subcommand("__mirror", "");
    mirror_cmd->group("");  // the child process audit runs to clone or fetch one URL
    mirror_cmd->add_option("url", mirror_url)->required();
    mirror_cmd->add_option("dir", mirror_dir)->required();

    kc::HookArgs hook;
    CLI::App* hook_cmd = app.add_subcommand("hook", "Install or remove the git hooks");
    hook_cmd->require_subcommand(1);
    CLI::App* install_cmd = hook_cmd->add_subcommand("install", "Install the pre-commit hook (an existing hook is kept and chained)");
    install_cmd->add_option("repo", hook.repo, "Repository (default: the current directory)");
    install_cmd->add_flag("--pre-push", hook.pre_push, "Also install a pre-push hook that scans the commits being pushed");
    CLI::App* uninstall_cmd = hook_cmd->add_subcommand("uninstall", "Remove keyfence's hooks and restore what was there");
    uninstall_cmd->add_option("repo", hook.repo, "Repository (default: the current directory)");

    kc::CommonOptions rules_common;
    CLI::App* rules_cmd = app.add_subcommand("rules", "Inspect and test rule files");
    rules_cmd->require_subcommand(1);
    CLI::App* list_cmd = rules_cmd->add_subcommand("list", "Print id, description and keywords of every active rule");
    list_cmd->add_option("-c,--config", rules_common.config, "Rule file (default as for scan)");
    std::optional<std::string> check_file;
    CLI::App* check_cmd = rules_cmd->add_subcommand("check", "Compile the rules and run every rule's examples and negatives");
    check_cmd->add_option("file", check_file, "Rule file to check (default: the active rules)");
    check_cmd->add_option("-c,--config", rules_common.config, "Rule file (default as for scan)");

    std::string shell;
    CLI::App* completion_cmd = app.add_subcommand("completion", "Print the shell completion script (bash, zsh or fish)");
    completion_cmd->add_option("shell", shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
    CLI::App* man_cmd = app.add_subcommand("manpage", "Print the keyfence(1) manual page (roff)");
    man_cmd->group("");  // for the build, which installs it; not a command users need

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "error: " << e.what() << "\n" << "Run with --help for usage.\n";
        return static_cast<int>(keyfence::ExitCode::kError);
    }

    try {
        for (auto [cmd, fn, args] : {std::tuple{scan_cmd, &kc::scan_command, &scan}, std::tuple{staged_cmd, &kc::staged_command, &staged},
                                     std::tuple{history_cmd, &kc::history_command, &history}}) {
            if (!*cmd) continue;
            args->max_file_size = kc::parse_size(max_size);
            args->tool_version = KEYFENCE_VERSION;
            args->redact = kc::parse_redact(args->redact_arg);
            kc::install_stop_signals();  // from the start: Ctrl-C during set-up also ends with a partial report
            // The pre-commit gate has a deadline by default: a hook that hangs gets bypassed with --no-verify.
            const std::string timeout = args->timeout.value_or(cmd == staged_cmd ? "30s" : "");
            std::optional<std::chrono::milliseconds> limit;
            if (!timeout.empty()) limit = kc::parse_duration(timeout);
            kc::Watchdog watchdog(limit, timeout);
            return fn(*args);
        }
        if (*completion_cmd) {
            std::cout << kc::completion_script(app, shell);
            return 0;
        }
        if (*man_cmd) {
            std::cout << kc::man_page(app, KEYFENCE_VERSION);
            return 0;
        }
        if (*audit_cmd) {
            audit.scan.max_file_size = kc::parse_size(max_size);
            audit.scan.tool_version = KEYFENCE_VERSION;
            audit.scan.redact = kc::parse_redact(audit.scan.redact_arg);
            kc::install_stop_signals();
            std::optional<std::chrono::milliseconds> limit;
            if (audit.scan.timeout) limit = kc::parse_duration(*audit.scan.timeout);
            kc::Watchdog watchdog(limit, audit.scan.timeout.value_or(""), /*emergency_report=*/false);
            return kc::audit_command(audit);
        }
        if (*merge_cmd) {
            merge.tool_version = KEYFENCE_VERSION;
            merge.redact = kc::parse_redact(merge.redact_arg);
            return kc::report_merge_command(merge);
        }
        if (*mirror_cmd) return kc::mirror_command(mirror_url, mirror_dir);
        if (*install_cmd) return kc::hook_install_command(hook);
        if (*uninstall_cmd) return kc::hook_uninstall_command(hook);
        if (*list_cmd) return kc::rules_list_command(rules_common);
        if (*check_cmd) return kc::rules_check_command(rules_common, check_file);
    } catch (const keyfence::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return static_cast<int>(keyfence::ExitCode::kError);
    } catch (const std::exception& e) {
        std::cerr << "error: internal: " << e.what() << "\n";
        return static_cast<int>(keyfence::ExitCode::kError);
    }
    return static_cast<int>(keyfence::ExitCode::kError);
}
