#pragma once
// Pieces every subcommand shares: finding the repository root, loading rules, the stderr summary.
#include <atomic>
#include <filesystem>
#include <optional>

#include "cli/commands.hpp"
#include "rules/rule_set.hpp"
#include "scan/scheduler.hpp"

namespace keyfence::cli {

// The nearest directory at or above `start` holding a .git entry, if any.
std::optional<std::filesystem::path> find_repo_root(const std::filesystem::path& start);

// Resolves the active rules (--config, .keyfence.toml at repo_root, built-in) and prints loader warnings.
rules::RuleSet load_rules(const CommonOptions& common, const std::optional<std::filesystem::path>& repo_root);

// Diagnostics, then one summary line, on stderr.
void print_summary(const scan::ScanResult& result);

}  // namespace keyfence::cli
