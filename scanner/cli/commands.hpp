#pragma once
// The subcommands. Each returns the process exit code; setup failures throw keyfence::Error.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "decode/encodings.hpp"

namespace keyfence::cli {

struct CommonOptions {
    std::optional<std::string> config;  // --config FILE
};

struct ScanArgs {
    CommonOptions common;
    std::vector<std::string> paths;
    std::string format = "text";
    std::optional<std::string> output;
    std::string redact_arg;  // --redact: "all"; --redact=N: N (checked by parse_redact)
    int redact = -1;         // -1: not asked; 0: hide secrets fully; N: keep N% visible
    std::optional<std::string> baseline;        // report only findings not in this file
    std::optional<std::string> write_baseline;  // write the findings as a baseline file
    bool show_secrets = false;
    std::string color = "auto";
    std::uint64_t max_file_size = 100ull << 20;
    unsigned threads = 0;
    unsigned max_decode_depth = decode::kDefaultDecodeDepth;  // encodings deep decoded text is scanned again
    bool validate = false;               // --validate: ask each key's provider whether it works
    bool only_live = false;              // --only-live: report only keys the provider accepted
    std::string fail_on = "any";         // --fail-on: "any" finding, or only a "live" one, fails the run
    std::string validate_timeout = "5s"; // per request
    std::optional<std::string> timeout;  // --timeout DURATION: stop, report what was scanned, exit 2 (1 if found)
    std::string tool_version;  // for reports that name the tool (SARIF)
    // git commands
    bool whole_files = false;          // staged: whole staged files, not only added lines
    bool include_unreachable = false;  // history: also blobs no ref reaches
    bool config_from_head = false;     // history range: rules from the work tree, not the range's base commit
    bool strict_config = false;        // history range: a change to the gate's own config fails the run
    bool pushed = false;               // history: the commits a push adds (pre-push gate), see pushed_ranges
    std::string remote;                // history --pushed: the remote pushed to (default $PRE_COMMIT_REMOTE_NAME, else origin)
};

struct AuditArgs {
    ScanArgs scan;  // paths: repositories and URLs
    std::optional<std::string> repos_file;  // --repos FILE: one per line, # comments
    std::optional<std::string> cache_dir;   // mirrors and the --since-last state (default: keyfence's cache/audit)
    std::optional<std::string> shard;       // --shard K/N
    bool since_last = false;                // only commits added since the last successful audit
    bool all = false;                       // with --since-last: report findings an earlier audit reported too
    std::string fetch_timeout = "10m";      // per clone or fetch
};

struct HookArgs {
    std::string repo = ".";
    bool pre_push = false;
};

int scan_command(const ScanArgs& args);
int staged_command(const ScanArgs& args);   // args.paths: [REPO]
int history_command(const ScanArgs& args);  // args.paths: [REPO] [REVISION-RANGE...]
int audit_command(const AuditArgs& args);
int report_merge_command(const ScanArgs& args);  // args.paths: report files
int mirror_command(const std::string& url, const std::string& dir);  // the child `audit` runs for each URL
int hook_install_command(const HookArgs& args);
int hook_uninstall_command(const HookArgs& args);
int rules_list_command(const CommonOptions& common);
int rules_check_command(const CommonOptions& common, const std::optional<std::string>& file);

// "" -> -1, "all" -> 0, "N" (0..100) -> N; throws keyfence::Error otherwise.
int parse_redact(const std::string& arg);

// Parses sizes like "100MB", "512K", "1G", "4096" (K/M/G are powers of 1024); throws on nonsense.
std::uint64_t parse_size(const std::string& text);

}  // namespace keyfence::cli
