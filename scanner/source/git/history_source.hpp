#pragma once
// HistorySource: every blob ever committed on every ref (or in given revision ranges), each unique blob
// scanned once. Commits are walked parents-first (topological); a blob belongs to the first commit whose
// diff against its first parent adds it. Findings are attributed to that commit, and one secret seen in
// many blobs, commits or paths becomes one finding with the list of its other places.
#include <atomic>
#include <filesystem>
#include <unordered_map>

#include "core/git_handles.hpp"
#include "source/git/blob_reader.hpp"

namespace keyfence::source {

// Tips to walk from and tips whose ancestry is excluded, in the order given: "A..B" (A hidden, B
// included), "REV" and "^REV". Throws keyfence::Error for a revision that is not a commit or for A...B.
struct RevisionTips {
    std::vector<git_oid> include, hide;
};
RevisionTips parse_revisions(git_repository* repo, const std::vector<std::string>& revisions);

struct HistoryOptions {
    std::vector<std::string> revisions;  // "A..B", "REV", "^REV"; empty: every ref and HEAD
    // With every ref: commits these reach were audited before (audit --since-last). Ids no longer in the
    // repository are skipped.
    std::vector<std::string> hide;
    bool include_unreachable = false;    // also blobs no ref reaches (dangling after rebases)
    std::uint64_t max_file_size = 100ull << 20;
    const std::atomic<bool>* stop = nullptr;
    unsigned threads = 0;  // for the walk; 0: every core
    bool progress = false;  // a progress line while commits are diffed (on a terminal only)
};

class HistorySource : public Source {
public:
    HistorySource(const std::string& repo_path, HistoryOptions options);

    std::size_t job_count() const override { return blobs_.size(); }
    std::unique_ptr<Reader> make_reader() const override;
    const std::vector<Diagnostic>& enumeration_diagnostics() const override { return diagnostics_; }
    std::vector<Diagnostic> late_diagnostics() const override { return suspect_object_diagnostics(); }
    void finish(std::vector<Finding>& findings) const override;
    bool finishes_per_job() const override { return false; }

    const std::filesystem::path& root() const { return root_; }
    std::size_t commit_count() const { return commits_.size(); }
    // The commits the walk started from (every ref and HEAD, or the revisions' tips), as hex ids.
    std::vector<std::string> tips() const;
    double walk_seconds() const { return walk_seconds_; }  // enumerating: the walk and ordering the jobs

private:
    static constexpr std::uint32_t kNoCommit = UINT32_MAX;
    struct Sighting {  // a later place where an already-queued blob appears again
        std::uint32_t commit;
        std::string path;
    };

    void walk_commits(git_repository* repo, const HistoryOptions& options);
    void add_unreachable(git_repository* repo);
    // Read order: pack by pack, by offset. git writes a delta family together, base first, so in this
    // order a delta's base is still in its PackReader's cache when the delta comes.
    void order_jobs_by_pack();
    CommitInfo commit_info(git_repository* repo, std::uint32_t commit) const;

    std::string repo_path_;
    std::filesystem::path root_;
    std::uint64_t max_file_size_;
    std::vector<git_oid> commits_;
    std::vector<git_oid> tips_;
    std::vector<std::unique_ptr<PackReader>> pack_readers_;  // the packs read directly (for trees and blobs)
    std::vector<BlobJob> blobs_;              // the jobs
    std::vector<std::uint32_t> blob_commit_;  // per job: index into commits_ (topological), or kNoCommit
    std::unordered_map<git_oid, std::uint32_t, OidHash, OidEq> job_of_blob_;
    std::unordered_map<std::uint32_t, std::vector<Sighting>> sightings_;  // by job
    std::vector<Diagnostic> diagnostics_;
    double walk_seconds_ = 0;
};

}  // namespace keyfence::source
