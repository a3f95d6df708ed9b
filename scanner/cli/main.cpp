// keyfence: a secret scanner for git. This file wires the command line to the subcommands.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "core/error.hpp"

namespace kc = keyfence::cli;

int main(int argc, char** argv) {
    CLI::App app{"keyfence: finds API keys and other secrets before they leave your machine"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("keyfence ") + KEYFENCE_VERSION);

    kc::ScanArgs scan;
    std::string max_size = "100MB";
    CLI::App* scan_cmd = app.add_subcommand("scan", "Scan files, directories (recursively, never inside .git/) or - for stdin");
    scan_cmd->add_option("paths", scan.paths, "Files or directories to scan; - reads standard input")->required();
    scan_cmd->add_option("-c,--config", scan.common.config, "Rule file (default: .keyfence.toml at the repository root, else the built-in rules)");
    scan_cmd->add_option("-f,--format", scan.format, "Report format: text or json")->capture_default_str();
    scan_cmd->add_option("-o,--output", scan.output, "Write the report to FILE (mode 0600) instead of stdout");
    scan_cmd->add_flag("--redact", scan.redact, "Replace every secret with REDACTED in the report");
    scan_cmd->add_flag("--show-secrets", scan.show_secrets, "Print secrets whole in the text report (masked by default)");
    scan_cmd->add_option("--color", scan.color, "Color the text report: auto, always or never")->capture_default_str()->check(CLI::IsMember({"auto", "always", "never"}));
    scan_cmd->add_option("--max-file-size", max_size, "Skip (with a note) files larger than this, e.g. 100MB, 512K")->capture_default_str();
    scan_cmd->add_option("-j,--threads", scan.threads, "Worker threads (default: all cores)");

    kc::CommonOptions rules_common;
    CLI::App* rules_cmd = app.add_subcommand("rules", "Inspect and test rule files");
    rules_cmd->require_subcommand(1);
    CLI::App* list_cmd = rules_cmd->add_subcommand("list", "Print id, description and keywords of every active rule");
    list_cmd->add_option("-c,--config", rules_common.config, "Rule file (default as for scan)");
    std::optional<std::string> check_file;
    CLI::App* check_cmd = rules_cmd->add_subcommand("check", "Compile the rules and run every rule's examples and negatives");
    check_cmd->add_option("file", check_file, "Rule file to check (default: the active rules)");
    check_cmd->add_option("-c,--config", rules_common.config, "Rule file (default as for scan)");

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
        if (*scan_cmd) {
            scan.max_file_size = kc::parse_size(max_size);
            return kc::scan_command(scan);
        }
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
