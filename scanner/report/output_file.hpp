#pragma once
// Report files hold secrets: they are created with mode 0600, written to a temporary file beside the
// target and renamed into place, so an interrupted run never leaves a half-written report.
#include <filesystem>
#include <string>

namespace keyfence::report {

// Throws keyfence::Error naming the file on failure.
void write_private_file(const std::filesystem::path& target, const std::string& content);

}  // namespace keyfence::report
