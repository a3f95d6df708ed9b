#pragma once
// BlobReader: the Reader both git sources use. Reads a blob from its pack when the job says where (history
// does), else from the object database with its own repository handle (one per worker thread;
// libgit2's object cache does not help blob reads).
#include "core/git_handles.hpp"
#include "source/git/pack_reader.hpp"
#include "source/source.hpp"

namespace keyfence::source {

// One blob to scan, as the git sources enumerate it.
struct BlobJob {
    git_oid blob;
    std::string path;    // where it was first seen
    std::string commit;  // the commit that introduced it (history), else empty
    const PackReader* pack = nullptr;  // where it can be read directly (history), else libgit2 reads it
    std::uint64_t pack_offset = 0;
};

// Loose objects that were read but not quite right, as notes (for Source::late_diagnostics).
std::vector<Diagnostic> suspect_object_diagnostics();

// The one error line of a pre-commit gate that cannot read a staged blob.
std::string unreadable_staged_file(const std::string& path, const git_oid& blob, const std::string& why);

class BlobReader : public Reader {
public:
    // `jobs` is owned by the source and outlives the reader.
    // strict: a blob that cannot be read whole throws (the pre-commit gate must not vouch for it);
    // otherwise it is a note, and whatever can still be inflated of a damaged loose blob is scanned.
    BlobReader(const std::string& repo_path, const std::vector<BlobJob>& jobs, std::uint64_t max_size, bool strict = false);

    LoadStatus load(std::size_t index, std::string& buffer, Input& in, std::vector<Diagnostic>& diagnostics) override;

private:
    GitRepository repo_;
    GitOdb odb_;
    const std::vector<BlobJob>& jobs_;
    std::string git_dir_;
    std::uint64_t max_;
    bool strict_;
    GitOdbObject obj_;        // keeps in.content alive until the next load
    PackReader::Data direct_;  // or this, for a blob read straight from its pack
};

}  // namespace keyfence::source
