#pragma once
// RAII handles and the single status check for libgit2.
#include <git2.h>

#include <cstring>
#include <memory>
#include <string>

#include "core/error.hpp"

namespace keyfence {

template <typename T, void (*Free)(T*)>
struct GitDeleter {
    void operator()(T* p) const noexcept { Free(p); }
};
using GitRepository = std::unique_ptr<git_repository, GitDeleter<git_repository, git_repository_free>>;
using GitIndex = std::unique_ptr<git_index, GitDeleter<git_index, git_index_free>>;
using GitTree = std::unique_ptr<git_tree, GitDeleter<git_tree, git_tree_free>>;
using GitCommit = std::unique_ptr<git_commit, GitDeleter<git_commit, git_commit_free>>;
using GitDiff = std::unique_ptr<git_diff, GitDeleter<git_diff, git_diff_free>>;
using GitPatch = std::unique_ptr<git_patch, GitDeleter<git_patch, git_patch_free>>;
using GitRevwalk = std::unique_ptr<git_revwalk, GitDeleter<git_revwalk, git_revwalk_free>>;
using GitOdb = std::unique_ptr<git_odb, GitDeleter<git_odb, git_odb_free>>;
using GitOdbObject = std::unique_ptr<git_odb_object, GitDeleter<git_odb_object, git_odb_object_free>>;
using GitObject = std::unique_ptr<git_object, GitDeleter<git_object, git_object_free>>;
using GitReference = std::unique_ptr<git_reference, GitDeleter<git_reference, git_reference_free>>;
using GitBlob = std::unique_ptr<git_blob, GitDeleter<git_blob, git_blob_free>>;
using GitConfig = std::unique_ptr<git_config, GitDeleter<git_config, git_config_free>>;

// libgit2's last error message on this thread (git_error_last is thread-local: call on the failing thread).
std::string git_last_error();

// Throws keyfence::Error "what: libgit2 message" when status < 0.
void check_git(int status, const std::string& what);

// Initializes libgit2 once per process, with strict hash verification off (measured: it halves blob
// read throughput; corruption still surfaces as read errors).
void ensure_libgit2();

// Opens the repository at or above path (work tree, .git dir or bare); throws a clear error otherwise.
// Defined in source/git/checked_odb.cpp: every repository keyfence opens reads its loose objects through
// keyfence's own checked reader, never libgit2's.
GitRepository open_repository(const std::string& path);

std::string oid_hex(const git_oid& oid);

// For unordered containers keyed by object id (the id is already a hash: its first bytes will do).
struct OidHash {
    std::size_t operator()(const git_oid& o) const noexcept {
        std::size_t h;
        std::memcpy(&h, o.id, sizeof h);
        return h;
    }
};
struct OidEq {
    bool operator()(const git_oid& a, const git_oid& b) const noexcept { return git_oid_equal(&a, &b); }
};

}  // namespace keyfence
