// staged_changes_from_index against libgit2's index diff with rename detection (what StagedSource did
// before, and still does when the fast path declines): the same staged blobs at the same paths, for
// index versions 2, 3 and 4, with and without a cache-tree, through adds, edits, deletions, exact and
// edited renames, mode and type changes, file/directory swaps, submodule pointers, intent-to-add
// entries and names that sort around '/'; then random edits. Unmerged and split indexes decline.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "source/git/index_diff.hpp"
#include "support/git_repo.hpp"

using namespace keyfence;
using keyfence::test::Repo;
namespace fs = std::filesystem;

namespace {

GitTree head_tree(git_repository* repo) {
    git_object* obj = nullptr;
    if (git_revparse_single(&obj, repo, "HEAD^{tree}") != 0) return GitTree();
    return GitTree(reinterpret_cast<git_tree*>(obj));
}

// The reference: StagedSource's libgit2 way, as a list of "path id".
std::vector<std::string> by_libgit2(git_repository* repo) {
    git_index* raw_index = nullptr;
    check_git(git_repository_index(&raw_index, repo), "index");
    GitIndex index(raw_index);
    GitTree tree = head_tree(repo);
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.flags |= GIT_DIFF_INCLUDE_TYPECHANGE;
    git_diff* raw = nullptr;
    check_git(git_diff_tree_to_index(&raw, repo, tree.get(), index.get(), &opts), "diff");
    GitDiff diff(raw);
    git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
    find.flags = GIT_DIFF_FIND_RENAMES;
    check_git(git_diff_find_similar(raw, &find), "renames");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < git_diff_num_deltas(raw); ++i) {
        const git_diff_delta* d = git_diff_get_delta(raw, i);
        if (d->status == GIT_DELTA_DELETED || d->status == GIT_DELTA_UNMODIFIED || d->new_file.mode == GIT_FILEMODE_COMMIT) continue;
        if (d->status != GIT_DELTA_ADDED && git_oid_equal(&d->old_file.id, &d->new_file.id)) continue;
        // An intent-to-add entry stages nothing (libgit2 shows it as an added empty file).
        if (d->status == GIT_DELTA_ADDED && oid_hex(d->new_file.id) == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391" &&
            (git_index_get_bypath(index.get(), d->new_file.path, 0)->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD))
            continue;
        out.push_back(std::string(d->new_file.path) + " " + oid_hex(d->new_file.id));
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::vector<std::string>> by_index_diff(git_repository* repo) {
    GitTree tree = head_tree(repo);
    const auto changes = source::staged_changes_from_index(repo, tree.get(), fs::path(git_repository_path(repo)) / "index");
    if (!changes) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& c : *changes) out.push_back(c.path + " " + oid_hex(c.id));
    std::sort(out.begin(), out.end());
    return out;
}

// Both ways agree on the repository's index as it is now.
void same(const Repo& repo, const std::string& when) {
    GitRepository r = open_repository(repo.path().string());
    const auto fast = by_index_diff(r.get());
    REQUIRE_MESSAGE(fast.has_value(), when);
    const auto reference = by_libgit2(r.get());
    std::string a, b;
    for (const auto& s : *fast) a += s + "\n";
    for (const auto& s : reference) b += s + "\n";
    CHECK_MESSAGE(a == b, when << "\nindex_diff:\n" << a << "libgit2:\n" << b);
}

void git(const Repo& repo, const std::string& args) {
    const auto r = repo.git(args);
    REQUIRE_MESSAGE(r.exit_code == 0, args << ": " << r.err);
}

// A tree of files with names that sort around '/' ("a", "a-b", "a.c", "a/x", "a0").
void populate(const Repo& repo) {
    for (const char* f : {"a-b", "a.c", "a0", "a/x", "a/y/z.txt", "b/c/d/e.txt", "b/c/f.txt", "keep/one.txt", "keep/two.txt", "old/gone.txt",
                          "old/deep/gone2.txt", "mv/from.txt", "ed/from.txt", "mode.sh", "link-me", "f2d", "d2f/inner.txt", "dup.txt"})
        repo.write(f, std::string("content of ") + f + "\nline two\nline three\nline four\n");
}

// The same staged state under every index version, with the cache-tree as git left it.
void same_in_every_version(const Repo& repo, const std::string& when) {
    for (const char* version : {"2", "3", "4"}) {
        git(repo, std::string("update-index --index-version ") + version);
        same(repo, when + ", index v" + version);
    }
}

}  // namespace

TEST_CASE("index_diff: the staged changes libgit2's diff gives, in every index version, with and without a cache-tree") {
    Repo repo;
    populate(repo);
    git(repo, "add -A");
    same_in_every_version(repo, "unborn branch");
    repo.commit("base");
    same_in_every_version(repo, "nothing staged");

    repo.write("a/y/z.txt", "edited\n");                          // an edit deep down
    repo.write("new/dir/file.txt", "new\n");                      // a new directory
    repo.write("a.b", "between a-b and a.c\n");                   // a new name between others
    fs::remove(repo.path() / "keep/two.txt");                     // a deletion
    fs::remove_all(repo.path() / "old");                          // a whole directory deleted
    fs::rename(repo.path() / "mv/from.txt", repo.path() / "mv/to.txt");  // a rename without edits
    fs::rename(repo.path() / "ed/from.txt", repo.path() / "ed/to.txt");  // a rename with an edit
    repo.write("ed/to.txt", "content of ed/from.txt\nline two\nline three\nline 4\n");
    fs::permissions(repo.path() / "mode.sh", fs::perms::owner_exec, fs::perm_options::add);  // a mode change only
    fs::remove(repo.path() / "link-me");
    fs::create_symlink("a.c", repo.path() / "link-me");           // a file becomes a symlink
    fs::remove(repo.path() / "f2d");
    repo.write("f2d/inside.txt", "was a file\n");                 // a file becomes a directory
    fs::remove_all(repo.path() / "d2f");
    repo.write("d2f", "was a directory\n");                       // and back
    repo.write("copy1.txt", "content of dup.txt\nline two\nline three\nline four\n");  // a copy of an unchanged file
    git(repo, "add -A");
    git(repo, "update-index --add --cacheinfo 160000," + repo.head() + ",sub");  // a submodule pointer
    repo.write("later.txt", "not yet\n");
    git(repo, "add -N later.txt");                                // intent to add
    same_in_every_version(repo, "many kinds of change");

    // Without a cache-tree (git add builds none): every directory is compared entry by entry.
    fs::remove(repo.path() / ".git/index");
    git(repo, "read-tree --empty");
    git(repo, "add -A");
    same_in_every_version(repo, "no cache-tree");

    // A commit writes a full cache-tree; then one edit invalidates only its path.
    repo.commit("second");
    repo.write("b/c/d/e.txt", "changed\n");
    git(repo, "add b/c/d/e.txt");
    same_in_every_version(repo, "one edit after a commit");

    // A full, valid cache-tree of another tree: after `git reset --soft`, HEAD moves back and the index,
    // with the cache-tree of the commit undone, stays. Its directories' ids differ from HEAD's.
    repo.write("a/y/new.txt", "deep\n");
    repo.commit("third");
    git(repo, "reset -q --soft HEAD~2");
    same_in_every_version(repo, "after reset --soft");
}

TEST_CASE("index_diff: random edits, renames and deletions agree with libgit2 round after round") {
    Repo repo;
    std::mt19937 rng(20261202);
    std::vector<std::string> files;
    for (int i = 0; i < 300; ++i) {
        const std::string path = "d" + std::to_string(rng() % 6) + "/s" + std::to_string(rng() % 5) + "/f" + std::to_string(i) + (i % 3 ? ".txt" : "");
        repo.write(path, "file " + std::to_string(i) + "\n" + std::string(rng() % 50, 'x') + "\n");
        files.push_back(path);
    }
    repo.commit("base");
    for (int round = 0; round < 12; ++round) {
        for (int change = 0; change < 8; ++change) {
            const std::size_t pick = rng() % files.size();
            const fs::path file = repo.path() / files[pick];
            if (!fs::exists(file)) continue;
            switch (rng() % 4) {
                case 0: repo.write(files[pick], "edited in round " + std::to_string(round) + "\n"); break;
                case 1: fs::remove(file); break;
                case 2: {
                    const std::string to = "moved/r" + std::to_string(round) + "c" + std::to_string(change) + ".txt";
                    fs::create_directories((repo.path() / to).parent_path());
                    fs::rename(file, repo.path() / to);
                    files.push_back(to);
                    break;
                }
                default: repo.write("added/r" + std::to_string(round) + "/c" + std::to_string(change), "new\n");
            }
        }
        git(repo, "add -A");
        same_in_every_version(repo, "round " + std::to_string(round));
        if (round % 3 == 2) repo.commit("round " + std::to_string(round));
    }
}

TEST_CASE("index_diff: declines what it does not handle (unmerged entries, a split index), so libgit2's way is taken") {
    Repo repo;
    repo.write("f.txt", "base\n");
    repo.commit("base");
    GitRepository r = open_repository(repo.path().string());
    git(repo, "update-index --split-index");
    CHECK_FALSE(by_index_diff(r.get()).has_value());
    git(repo, "update-index --no-split-index");
    CHECK(by_index_diff(r.get()).has_value());

    git(repo, "checkout -q -b side");
    repo.write("f.txt", "side\n");
    repo.commit("side");
    git(repo, "checkout -q main");
    repo.write("f.txt", "main\n");
    repo.commit("main");
    CHECK(repo.git("merge -q side").exit_code != 0);  // a conflict: stages 1 to 3
    CHECK_FALSE(by_index_diff(r.get()).has_value());

    // A cut file declines (libgit2 then reports it), wherever it is cut inside the entries.
    const fs::path index = repo.path() / ".git/index";
    git(repo, "merge --abort");
    const std::string good = keyfence::test::read_text(index);
    CHECK(by_index_diff(r.get()).has_value());
    for (std::size_t keep = 0; keep < 12 + 62 + 20; ++keep) {
        std::ofstream(index, std::ios::binary | std::ios::trunc) << good.substr(0, keep);
        CHECK_MESSAGE(!by_index_diff(r.get()).has_value(), keep);
    }
}
