#pragma once
// keyfence::Error — the one exception type. Setup failures (usage, bad rule file, repository not found)
// throw it; main() prints "error: <what>" and exits 2. Per-input problems become Diagnostics instead.
#include <stdexcept>
#include <string>

namespace keyfence {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Exit codes shared by every command.
enum class ExitCode : int { kClean = 0, kFindings = 1, kError = 2 };

}  // namespace keyfence
