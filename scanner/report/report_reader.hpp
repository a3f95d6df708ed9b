#pragma once
// Reads keyfence's own JSON and JSONL reports back into findings, for `keyfence report merge`: every
// field the JSON reporter writes, so a merged report loses nothing a shard's report had.
#include <filesystem>
#include <vector>

#include "core/finding.hpp"

namespace keyfence::report {

// The findings of one report file (a JSON array or JSON lines; "-" is stdin). A config_change record is
// skipped. Throws keyfence::Error naming the file (and line, for JSONL) on anything else.
std::vector<Finding> read_report(const std::filesystem::path& file);

}  // namespace keyfence::report
