#include "source/git/staged_source.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace keyfence::source {
namespace {

class BlobReader : public Reader {
public:
    BlobReader(GitRepository repo, std::vector<std::pair<std::string, git_oid>> blobs, std::uint64_t max)
        : repo_(std::move(repo)), blobs_(std::move(blobs)), max_(max) {}

    LoadStatus load(std::size_t index, std::string& /*buffer*/, Input& in, std::vector<Diagnostic>& diags) override {
        const auto& [path, oid] = blobs_[index];
        in.path = path;
        in.commit.clear();
        git_blob* raw = nullptr;
        if (git_blob_lookup(&raw, repo_.get(), &oid) < 0) {
            diags.push_back({path, fmt::format("cannot read blob {}: {}", oid_hex(oid), git_last_error())});
            return LoadStatus::kSkipped;
        }
        blob_.reset(raw);
        const auto size = static_cast<std::uint64_t>(git_blob_rawsize(raw));
        if (size > max_) {
            diags.push_back({path, fmt::format("skipped: {} bytes is over --max-file-size ({} bytes)", size, max_)});
            return LoadStatus::kSkipped;
        }
        in.content = std::string_view(static_cast<const char*>(git_blob_rawcontent(raw)), static_cast<std::size_t>(size));
        return LoadStatus::kLoaded;
    }

private:
    GitRepository repo_;
    std::vector<std::pair<std::string, git_oid>> blobs_;
    std::uint64_t max_;
    GitBlob blob_;  // keeps in.content alive until the next load
};

}  // namespace

StagedSource::StagedSource(const std::string& repo_path, bool whole_files, std::uint64_t max_file_size)
    : repo_path_(repo_path), max_file_size_(max_file_size) {
    GitRepository repo = open_repository(repo_path);
    const char* workdir = git_repository_workdir(repo.get());
    root_ = workdir ? workdir : git_repository_path(repo.get());
    if (git_repository_is_bare(repo.get())) throw Error("keyfence staged needs a work tree; " + repo_path + " is a bare repository");
    repo_path_ = git_repository_path(repo.get());

    git_index* raw_index = nullptr;
    check_git(git_repository_index(&raw_index, repo.get()), "reading the index");
    GitIndex index(raw_index);

    GitTree head_tree;  // stays null on an unborn branch: diff against the empty tree
    git_object* head_obj = nullptr;
    const int rc = git_revparse_single(&head_obj, repo.get(), "HEAD^{tree}");
    if (rc == 0) head_tree.reset(reinterpret_cast<git_tree*>(head_obj));
    else if (rc != GIT_ENOTFOUND && !git_repository_head_unborn(repo.get())) check_git(rc, "reading HEAD");

    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.context_lines = 0;  // every line in a hunk's new side is then an added line
    opts.flags |= GIT_DIFF_INCLUDE_TYPECHANGE;
    git_diff* raw_diff = nullptr;
    check_git(git_diff_tree_to_index(&raw_diff, repo.get(), head_tree.get(), index.get(), &opts), "diffing the index against HEAD");
    GitDiff diff(raw_diff);
    // Renames without edits add nothing: without rename detection they would look like new files.
    git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
    find.flags = GIT_DIFF_FIND_RENAMES;
    check_git(git_diff_find_similar(diff.get(), &find), "finding renames");

    const std::size_t n = git_diff_num_deltas(diff.get());
    for (std::size_t i = 0; i < n; ++i) {
        const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
        if (d->status == GIT_DELTA_DELETED || d->status == GIT_DELTA_UNMODIFIED) continue;
        const std::string path = d->new_file.path;
        if (d->new_file.mode == GIT_FILEMODE_COMMIT) continue;  // submodule pointer: not content
        Job job{path, d->new_file.id, whole_files, {}};
        if (!whole_files) {
            git_patch* raw_patch = nullptr;
            if (git_patch_from_diff(&raw_patch, diff.get(), i) < 0) {
                diagnostics_.push_back({path, "cannot diff: " + git_last_error() + "; scanning the whole file"});
                job.whole = true;
            } else {
                GitPatch patch(raw_patch);
                if (!raw_patch || (git_patch_get_delta(raw_patch)->flags & GIT_DIFF_FLAG_BINARY)) {
                    job.whole = true;  // binary: no lines to speak of; scan it all, report byte offsets
                } else {
                    for (std::size_t h = 0; h < git_patch_num_hunks(raw_patch); ++h) {
                        const git_diff_hunk* hunk = nullptr;
                        std::size_t lines = 0;
                        check_git(git_patch_get_hunk(&hunk, &lines, raw_patch, h), "reading a hunk of " + path);
                        if (hunk->new_lines > 0)
                            job.added.emplace_back(static_cast<std::uint64_t>(hunk->new_start),
                                                   static_cast<std::uint64_t>(hunk->new_start + hunk->new_lines - 1));
                    }
                    if (job.added.empty()) continue;  // pure rename or deletions only: nothing added
                }
            }
        }
        jobs_.push_back(std::move(job));
    }
}

std::unique_ptr<Reader> StagedSource::make_reader() const {
    std::vector<std::pair<std::string, git_oid>> blobs;
    for (const Job& j : jobs_) blobs.emplace_back(j.path, j.blob);
    return std::make_unique<BlobReader>(open_repository(repo_path_), std::move(blobs), max_file_size_);
}

void StagedSource::finish(std::vector<Finding>& findings) const {
    std::erase_if(findings, [&](const Finding& f) {
        const Job& job = jobs_[f.job];
        if (job.whole || f.line == 0) return false;
        const std::uint64_t last = std::max(f.line, f.end_line);
        return std::none_of(job.added.begin(), job.added.end(), [&](const auto& r) { return f.line <= r.second && last >= r.first; });
    });
}

}  // namespace keyfence::source
