#pragma once
// Reading a whole small file (rule files, the database cache, baselines, .keyfenceignore): one read()
// for a regular file sized by fstat, and a loop to EOF for pipes such as `--config <(...)`.
#include <filesystem>
#include <optional>
#include <string>

namespace keyfence {

// nullopt when the file cannot be opened or read (missing, a directory, an I/O error).
std::optional<std::string> read_whole_file(const std::filesystem::path& file);

}  // namespace keyfence
