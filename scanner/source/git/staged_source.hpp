#pragma once
// StagedSource: what the next commit will contain. The index is diffed against HEAD (the empty tree on an
// unborn branch; by hand, source/git/index_diff, with libgit2's diff as the fallback) with zero context lines; each changed blob is read from the index (never the work tree),
// and only findings on added lines are kept. Which lines a file adds is worked out only for files with a
// finding (a commit without secrets, the common case, computes no line diff at all: 2 ms of the hook's
// 10 on curl).
#include <filesystem>
#include <mutex>
#include <optional>
#include <utility>

#include "core/git_handles.hpp"
#include "source/git/blob_reader.hpp"

namespace keyfence::source {

// The index the next commit is made from: $GIT_INDEX_FILE when git sets it, else the repository's.
std::filesystem::path staged_index_path(git_repository* repo);

class StagedSource : public Source {
public:
    StagedSource(const std::string& repo_path, bool whole_files, std::uint64_t max_file_size);

    std::size_t job_count() const override { return blobs_.size(); }
    std::unique_ptr<Reader> make_reader() const override;
    const std::vector<Diagnostic>& enumeration_diagnostics() const override { return diagnostics_; }
    std::vector<Diagnostic> late_diagnostics() const override;
    void finish(std::vector<Finding>& findings) const override;

    // The work tree root (for .keyfence.toml and .keyfenceignore); the git dir for a bare repository.
    const std::filesystem::path& root() const { return root_; }

private:
    void diff_with_libgit2() const;
    static constexpr std::size_t kNoDelta = static_cast<std::size_t>(-1);

    struct AddedLines {
        bool whole = false;                                     // binary, undiffable or --whole-files: every line counts
        std::vector<std::pair<std::uint64_t, std::uint64_t>> added;  // inclusive 1-based line ranges
    };
    const AddedLines& added_lines(std::size_t job) const;  // with lines_mutex_ held

    std::string repo_path_;
    std::filesystem::path root_;
    std::vector<BlobJob> blobs_;              // the jobs
    std::vector<Diagnostic> diagnostics_;
    std::uint64_t max_file_size_;
    // Kept open for finish(), which diffs the files that have findings. finish() runs on scan threads
    // and, after a stop request, on the watchdog's: one at a time, and after a stop never waiting long.
    // The jobs normally come from staged_changes_from_index, and libgit2's diff is then made only there.
    GitRepository repo_;
    GitTree head_tree_;
    mutable GitIndex index_;
    mutable GitDiff diff_;
    mutable std::vector<std::size_t> delta_;  // per job: its delta in diff_, or kNoDelta
    mutable std::timed_mutex lines_mutex_;
    mutable std::vector<std::optional<AddedLines>> added_;  // per job, once known
    mutable std::vector<Diagnostic> late_;                  // files that could not be diffed
};

}  // namespace keyfence::source
