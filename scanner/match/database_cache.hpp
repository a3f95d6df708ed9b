#pragma once
// On-disk cache of compiled rule databases, so a pre-commit hook loads in well under a millisecond instead
// of compiling (~100 ms). Keyed by a digest of the rule text, the regex engine's name and version (Hyperscan
// or Vectorscan, see regex_engine.hpp), the host platform and the cache format; written atomically (temp file + rename). A missing, stale or corrupt entry is rebuilt
// silently and never fails a scan.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "match/compiled_rules.hpp"

namespace keyfence::match {

// $KEYFENCE_CACHE_DIR, else $XDG_CACHE_HOME/keyfence, else $HOME/.cache/keyfence; nullopt if none is set.
std::optional<std::filesystem::path> default_cache_dir();

// The cache entry's file name for a rule set compiled by the engine whose regex_engine::cache_tag() is
// engine_tag.
std::string cache_entry_name(const rules::RuleSet& rules, std::string_view engine_tag);

// The cache file for a rule set in dir, for the engine this binary runs.
std::filesystem::path cache_file_for(const rules::RuleSet& rules, const std::filesystem::path& dir);

// Loads the rules' database from the cache, or builds it and stores it there (when dir is set).
// from_cache, when given, says which happened.
CompiledRules load_or_build(const rules::RuleSet& rules, const std::optional<std::filesystem::path>& dir, bool* from_cache = nullptr);

}  // namespace keyfence::match
