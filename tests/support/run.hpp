#pragma once
// Helpers for end-to-end tests: run the built keyfence binary, make temporary directories and files.
#include <filesystem>
#include <string>
#include <vector>

namespace keyfence::test {

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
    // The largest resident set of any child this test process has waited for so far (getrusage gives no
    // per-child figure): an upper bound for this run, so "below a ceiling" checks stay valid.
    long children_max_rss_kb = 0;
};

// Runs the keyfence binary with args (each shell-quoted), feeding stdin_data on standard input.
RunResult run_keyfence(const std::vector<std::string>& args, const std::string& stdin_data = "",
                       const std::filesystem::path& cwd = {});
// Runs a shell command line (for git set-up in tests); returns its exit code and output.
RunResult run_shell(const std::string& command);

// A fresh directory under $TMPDIR, removed with everything in it when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path write(const std::string& relative, const std::string& content) const;

private:
    std::filesystem::path path_;
};

std::string shell_quote(const std::string& s);
std::string read_text(const std::filesystem::path& p);

}  // namespace keyfence::test
