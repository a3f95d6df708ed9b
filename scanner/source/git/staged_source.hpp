#pragma once
// StagedSource: what the next commit will contain. The index is diffed against HEAD (the empty tree on an
// unborn branch) with zero context lines; each changed blob is read from the index (never the work tree),
// and only findings on added lines are kept.
#include <filesystem>
#include <utility>

#include "core/git_handles.hpp"
#include "source/git/blob_reader.hpp"

namespace keyfence::source {

class StagedSource : public Source {
public:
    StagedSource(const std::string& repo_path, bool whole_files, std::uint64_t max_file_size);

    std::size_t job_count() const override { return blobs_.size(); }
    std::unique_ptr<Reader> make_reader() const override;
    const std::vector<Diagnostic>& enumeration_diagnostics() const override { return diagnostics_; }
    std::vector<Diagnostic> late_diagnostics() const override { return suspect_object_diagnostics(); }
    void finish(std::vector<Finding>& findings) const override;

    // The work tree root (for .keyfence.toml and .keyfenceignore); the git dir for a bare repository.
    const std::filesystem::path& root() const { return root_; }

private:
    void enumerate(git_repository* repo, git_index* index, bool whole_files);

    struct AddedLines {
        bool whole = false;                                     // binary or --whole-files: every line counts
        std::vector<std::pair<std::uint64_t, std::uint64_t>> added;  // inclusive 1-based line ranges
    };
    std::string repo_path_;
    std::filesystem::path root_;
    std::vector<BlobJob> blobs_;    // the jobs
    std::vector<AddedLines> added_;  // per job
    std::vector<Diagnostic> diagnostics_;
    std::uint64_t max_file_size_;
};

}  // namespace keyfence::source
