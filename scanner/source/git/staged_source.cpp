#include "source/git/staged_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

#include "core/stop.hpp"
#include "source/git/checked_odb.hpp"
#include "source/git/index_diff.hpp"

namespace keyfence::source {

std::filesystem::path staged_index_path(git_repository* repo) {
    // git commit -a, git commit PATH and git commit -i PATH stage into an index of their own (a lock file
    // beside .git/index) and name it in GIT_INDEX_FILE for the hooks; .git/index then does not hold what
    // is being committed. A relative path is relative to the working directory, as for git.
    if (const char* env = std::getenv("GIT_INDEX_FILE"); env && *env) return std::filesystem::absolute(env);
    return std::filesystem::path(git_repository_path(repo)) / "index";
}

namespace {
GitIndex open_staged_index(git_repository* repo) {
    git_index* raw = nullptr;
    if (!std::getenv("GIT_INDEX_FILE") || !*std::getenv("GIT_INDEX_FILE")) {
        check_git(git_repository_index(&raw, repo), "reading the index");
    } else {
        const std::string path = staged_index_path(repo).string();
        check_git(git_index_open(&raw, path.c_str()), "reading the index " + path + " (GIT_INDEX_FILE)");
    }
    return GitIndex(raw);
}
}  // namespace

StagedSource::StagedSource(const std::string& repo_path, bool whole_files, std::uint64_t max_file_size)
    : repo_path_(repo_path), max_file_size_(max_file_size), repo_(open_repository(repo_path)) {
    git_repository* repo = repo_.get();
    if (git_repository_is_bare(repo)) throw Error("keyfence staged needs a work tree; " + repo_path + " is a bare repository");
    const char* workdir = git_repository_workdir(repo);
    root_ = workdir ? workdir : git_repository_path(repo);
    repo_path_ = git_repository_path(repo);

    git_object* head_obj = nullptr;  // head_tree_ stays null on an unborn branch: diff against the empty tree
    const int rc = git_revparse_single(&head_obj, repo, "HEAD^{tree}");
    if (rc == 0) head_tree_.reset(reinterpret_cast<git_tree*>(head_obj));
    else if (rc != GIT_ENOTFOUND && !git_repository_head_unborn(repo)) check_git(rc, "reading HEAD");

    if (auto changes = staged_changes_from_index(repo, head_tree_.get(), staged_index_path(repo))) {
        for (StagedChange& c : *changes) blobs_.push_back({c.id, std::move(c.path), ""});
    } else {
        try {
            diff_with_libgit2();
        } catch (const Error& e) {
            // Rename detection reads staged blobs: name the file a damaged one belongs to.
            for (std::size_t i = 0; index_ && i < git_index_entrycount(index_.get()); ++i)
                if (const git_index_entry* entry = git_index_get_byindex(index_.get(), i); entry && is_damaged(entry->id))
                    throw Error(unreadable_staged_file(entry->path, entry->id, e.what()));
            throw;
        }
        for (std::size_t job = 0; job < delta_.size(); ++job) {
            const git_diff_delta* d = git_diff_get_delta(diff_.get(), delta_[job]);
            blobs_.push_back({d->new_file.id, d->new_file.path, ""});
        }
    }
    added_.assign(blobs_.size(), std::nullopt);
    if (whole_files)
        for (auto& lines : added_) lines = AddedLines{true, {}};
}

// libgit2's way: the index diffed against HEAD, with renames. Sets index_, diff_ and delta_ (the
// delta of each job, the order staged_changes_from_index gives them in).
void StagedSource::diff_with_libgit2() const {
    git_repository* repo = repo_.get();
    index_ = open_staged_index(repo);
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.context_lines = 0;  // every line in a hunk's new side is then an added line
    opts.flags |= GIT_DIFF_INCLUDE_TYPECHANGE;
    git_diff* raw_diff = nullptr;
    check_git(git_diff_tree_to_index(&raw_diff, repo, head_tree_.get(), index_.get(), &opts), "diffing the index against HEAD");
    diff_.reset(raw_diff);
    // Renames without edits add nothing: without rename detection they would look like new files.
    git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
    find.flags = GIT_DIFF_FIND_RENAMES;
    check_git(git_diff_find_similar(diff_.get(), &find), "finding renames");

    delta_.clear();
    const std::size_t n = git_diff_num_deltas(diff_.get());
    for (std::size_t i = 0; i < n; ++i) {
        const git_diff_delta* d = git_diff_get_delta(diff_.get(), i);
        if (d->status == GIT_DELTA_DELETED || d->status == GIT_DELTA_UNMODIFIED) continue;
        if (d->new_file.mode == GIT_FILEMODE_COMMIT) continue;  // submodule pointer: not content
        // A pure rename or a mode change: the content is already in HEAD, so the commit adds no line of it.
        if (d->status != GIT_DELTA_ADDED && git_oid_equal(&d->old_file.id, &d->new_file.id)) continue;
        delta_.push_back(i);
    }
}

// The line ranges job adds: its new side's hunks. A change that only deletes adds none.
const StagedSource::AddedLines& StagedSource::added_lines(std::size_t job) const {
    std::optional<AddedLines>& known = added_[job];
    if (known) return *known;
    const std::string& path = blobs_[job].path;
    const auto every_line = [&](const char* what) -> const AddedLines& {
        if (what) late_.push_back({path, fmt::format("{}: {}; every finding in the file is reported", what, git_last_error())});
        return known.emplace(AddedLines{true, {}});
    };
    if (!diff_) {
        // The jobs came from staged_changes_from_index: libgit2's diff is made now, for files with findings.
        try {
            diff_with_libgit2();
        } catch (const Error& e) {
            late_.push_back({path, fmt::format("cannot diff: {}; every finding in the file is reported", e.what())});
            return known.emplace(AddedLines{true, {}});
        }
        std::unordered_map<std::string_view, std::size_t> delta_of;
        for (const std::size_t d : delta_) delta_of.emplace(git_diff_get_delta(diff_.get(), d)->new_file.path, d);
        delta_.assign(blobs_.size(), kNoDelta);
        for (std::size_t j = 0; j < blobs_.size(); ++j)
            if (const auto it = delta_of.find(blobs_[j].path); it != delta_of.end()) delta_[j] = it->second;
    }
    if (delta_[job] == kNoDelta) return every_line(nullptr);  // not in libgit2's diff: every finding counts
    git_patch* raw_patch = nullptr;
    if (git_patch_from_diff(&raw_patch, diff_.get(), delta_[job]) < 0) return every_line("cannot diff");
    GitPatch patch(raw_patch);
    // Binary: no lines to speak of; every finding counts (byte offsets).
    if (!raw_patch || (git_patch_get_delta(raw_patch)->flags & GIT_DIFF_FLAG_BINARY)) return every_line(nullptr);
    AddedLines lines;
    for (std::size_t h = 0; h < git_patch_num_hunks(raw_patch); ++h) {
        const git_diff_hunk* hunk = nullptr;
        std::size_t count = 0;
        if (git_patch_get_hunk(&hunk, &count, raw_patch, h) < 0) return every_line("cannot read a hunk");
        if (hunk->new_lines > 0)
            lines.added.emplace_back(static_cast<std::uint64_t>(hunk->new_start), static_cast<std::uint64_t>(hunk->new_start + hunk->new_lines - 1));
    }
    return known.emplace(std::move(lines));
}

std::unique_ptr<Reader> StagedSource::make_reader() const {
    return std::make_unique<BlobReader>(repo_path_, blobs_, max_file_size_, /*strict=*/true);
}

namespace {
// Waits for the lock as long as the scan runs; once a stop is requested, at most a second more, so a diff
// stuck in libgit2 (which the watchdog's snapshot may meet) cannot hold the partial report back.
bool lock_unless_stopped(std::unique_lock<std::timed_mutex>& lock) {
    while (!lock.try_lock_for(std::chrono::milliseconds(100)))
        if (stop_requested().load()) return lock.try_lock_for(std::chrono::seconds(1));
    return true;
}
}  // namespace

std::vector<Diagnostic> StagedSource::late_diagnostics() const {
    std::vector<Diagnostic> out = suspect_object_diagnostics();
    std::unique_lock lock(lines_mutex_, std::defer_lock);
    if (lock_unless_stopped(lock)) out.insert(out.end(), late_.begin(), late_.end());
    return out;
}

void StagedSource::finish(std::vector<Finding>& findings) const {
    std::unique_lock lock(lines_mutex_, std::defer_lock);
    if (!lock_unless_stopped(lock)) return;  // findings kept unfiltered: more findings, never fewer
    std::erase_if(findings, [&](const Finding& f) {
        const AddedLines& job = added_lines(f.job);
        if (job.whole || f.line == 0) return false;
        const std::uint64_t last = std::max(f.line, f.end_line);
        return std::none_of(job.added.begin(), job.added.end(), [&](const auto& r) { return f.line <= r.second && last >= r.first; });
    });
}

}  // namespace keyfence::source
