#include "source/git/blob_reader.hpp"

#include <fmt/format.h>

#include "source/git/checked_odb.hpp"

namespace keyfence::source {

std::vector<Diagnostic> suspect_object_diagnostics() {
    std::vector<Diagnostic> out;
    for (const ObjectNote& n : suspect_object_notes()) out.push_back({n.oid, n.message});
    return out;
}

std::string unreadable_staged_file(const std::string& path, const git_oid& blob, const std::string& why) {
    return fmt::format("cannot read staged file {} (blob {}): {}. The commit is blocked: keyfence could not read what is being "
                       "committed. Run `git fsck` to find the damage.", path, oid_hex(blob), why);
}

BlobReader::BlobReader(const std::string& repo_path, const std::vector<BlobJob>& jobs, std::uint64_t max_size, bool strict)
    : repo_(open_repository(repo_path)), jobs_(jobs), max_(max_size), strict_(strict) {
    git_odb* raw = nullptr;
    check_git(git_repository_odb(&raw, repo_.get()), "opening the object database");
    odb_.reset(raw);
    git_dir_ = git_repository_commondir(repo_.get());
}

LoadStatus BlobReader::load(std::size_t index, std::string& buffer, Input& in, std::vector<Diagnostic>& diags) {
    const BlobJob& job = jobs_[index];
    in.path = job.path;
    in.commit = job.commit;
    obj_.reset();
    direct_.reset();
    if (job.pack && (direct_ = job.pack->read(job.pack_offset, GIT_OBJECT_BLOB, max_))) {
        in.content = direct_->view();
        return LoadStatus::kLoaded;
    }
    git_odb_object* raw = nullptr;
    if (git_odb_read(&raw, odb_.get(), &job.blob) < 0) {
        const std::string why = git_last_error();
        if (strict_) throw Error(unreadable_staged_file(job.path, job.blob, why));
        // A damaged loose blob: scan what can still be inflated of it, so no finding is lost to the damage.
        if (auto salvaged = salvage_loose_object(git_dir_, job.blob, max_); salvaged && !salvaged->body.empty()) {
            diags.push_back({job.path, fmt::format("{}; scanned the {} bytes that could still be read", why, salvaged->body.size())});
            buffer = std::move(salvaged->body);
            in.content = buffer;
            return LoadStatus::kLoaded;
        }
        diags.push_back({job.path, fmt::format("cannot read blob {}: {}", oid_hex(job.blob), why)});
        return LoadStatus::kSkipped;
    }
    obj_.reset(raw);
    const auto size = static_cast<std::uint64_t>(git_odb_object_size(raw));
    if (size > max_) {
        diags.push_back({job.path, fmt::format("skipped blob {}: {} bytes is over --max-file-size ({} bytes)", oid_hex(job.blob), size, max_)});
        return LoadStatus::kSkipped;
    }
    in.content = std::string_view(static_cast<const char*>(git_odb_object_data(raw)), static_cast<std::size_t>(size));
    return LoadStatus::kLoaded;
}

}  // namespace keyfence::source
