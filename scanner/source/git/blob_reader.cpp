#include "source/git/blob_reader.hpp"

#include <fmt/format.h>

namespace keyfence::source {

BlobReader::BlobReader(const std::string& repo_path, const std::vector<BlobJob>& jobs, std::uint64_t max_size)
    : repo_(open_repository(repo_path)), jobs_(jobs), max_(max_size) {
    git_odb* raw = nullptr;
    check_git(git_repository_odb(&raw, repo_.get()), "opening the object database");
    odb_.reset(raw);
}

LoadStatus BlobReader::load(std::size_t index, std::string& /*buffer*/, Input& in, std::vector<Diagnostic>& diags) {
    const BlobJob& job = jobs_[index];
    in.path = job.path;
    in.commit = job.commit;
    obj_.reset();
    git_odb_object* raw = nullptr;
    if (git_odb_read(&raw, odb_.get(), &job.blob) < 0) {
        diags.push_back({job.path, fmt::format("cannot read blob {}: {}", oid_hex(job.blob), git_last_error())});
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
