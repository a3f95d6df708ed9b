#pragma once
// FileSource: files and directories (recursively, never inside .git/) and "-" for standard input.
// Symlinked directories are not followed (no loops); symlinked files are scanned; broken ones are noted.
#include <filesystem>

#include "source/source.hpp"

namespace keyfence::source {

class FileSource : public Source {
public:
    // Throws keyfence::Error when a named path does not exist.
    FileSource(const std::vector<std::string>& paths, std::uint64_t max_file_size);

    std::size_t job_count() const override { return files_.size(); }
    std::unique_ptr<Reader> make_reader() const override;
    const std::vector<Diagnostic>& enumeration_diagnostics() const override { return diagnostics_; }

    static constexpr const char* kStdinName = "<stdin>";

private:
    void walk(const std::filesystem::path& dir);
    void add_file(const std::filesystem::path& p);

    std::vector<std::string> files_;  // display paths; kStdinName for "-"
    std::vector<Diagnostic> diagnostics_;
    std::uint64_t max_file_size_;
};

// Reads a whole file descriptor into buffer (used for stdin and files); false on a read error.
bool read_all(int fd, std::string& buffer);

}  // namespace keyfence::source
