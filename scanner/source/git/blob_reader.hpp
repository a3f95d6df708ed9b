#pragma once
// BlobReader: the Reader both git sources use. Reads blobs straight from the object database with its
// own repository handle (one per worker thread; libgit2's object cache does not help blob reads).
#include "core/git_handles.hpp"
#include "source/source.hpp"

namespace keyfence::source {

// One blob to scan, as the git sources enumerate it.
struct BlobJob {
    git_oid blob;
    std::string path;    // where it was first seen
    std::string commit;  // the commit that introduced it (history), else empty
};

class BlobReader : public Reader {
public:
    // `jobs` is owned by the source and outlives the reader.
    BlobReader(const std::string& repo_path, const std::vector<BlobJob>& jobs, std::uint64_t max_size);

    LoadStatus load(std::size_t index, std::string& buffer, Input& in, std::vector<Diagnostic>& diagnostics) override;

private:
    GitRepository repo_;
    GitOdb odb_;
    const std::vector<BlobJob>& jobs_;
    std::uint64_t max_;
    GitOdbObject obj_;  // keeps in.content alive until the next load
};

}  // namespace keyfence::source
