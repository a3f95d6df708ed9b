#pragma once
// Files keyfence writes (reports and baselines hold secrets or their hashes; the rule-database cache) are
// created with mode 0600, written to a temporary file beside the target and renamed into place, so an
// interrupted run never leaves a half-written file.
#include <filesystem>
#include <string>
#include <string_view>

namespace keyfence {

// A file being written: a 0600 temporary file beside the target, renamed into place by commit().
// Destroyed without commit (an error, an exception), the temporary file is removed.
class PrivateFile {
public:
    explicit PrivateFile(std::filesystem::path target);  // throws keyfence::Error naming the file
    ~PrivateFile();
    PrivateFile(const PrivateFile&) = delete;
    PrivateFile& operator=(const PrivateFile&) = delete;
    void write(std::string_view data);
    void commit();

private:
    [[noreturn]] void fail(int err);
    std::filesystem::path target_;
    std::string tmp_;
    int fd_ = -1;
};

// Writes content to target through a PrivateFile. Throws keyfence::Error naming the file on failure.
void write_private_file(const std::filesystem::path& target, const std::string& content);

}  // namespace keyfence
