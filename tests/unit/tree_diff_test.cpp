// TreeDiffer against libgit2's own git_diff_tree_to_tree: for every commit of a repository, the same
// entries, with the same paths, in the same order. The history audit's introducing commits and also_in
// lists depend on exactly that. KEYFENCE_TREE_DIFF_REPO=PATH also checks a real clone (slow on a long
// history: libgit2's diff is the slow side).
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "source/git/tree_diff.hpp"
#include "support/git_repo.hpp"

using namespace keyfence;
using keyfence::source::AddedEntry;
using keyfence::source::TreeDiffer;

namespace {

std::vector<std::string> by_libgit2(git_repository* repo, git_tree* old_tree, git_tree* new_tree) {
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.flags |= GIT_DIFF_SKIP_BINARY_CHECK | GIT_DIFF_INCLUDE_TYPECHANGE;
    git_diff* raw = nullptr;
    check_git(git_diff_tree_to_tree(&raw, repo, old_tree, new_tree, &opts), "diff");
    GitDiff diff(raw);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < git_diff_num_deltas(raw); ++i) {
        const git_diff_delta* d = git_diff_get_delta(raw, i);
        if (d->status == GIT_DELTA_DELETED) continue;
        out.push_back(std::string(d->new_file.path) + " " + oid_hex(d->new_file.id) + (d->new_file.mode == GIT_FILEMODE_COMMIT ? " gitlink" : ""));
    }
    return out;
}

std::vector<std::string> by_differ(TreeDiffer& differ, const git_oid* old_tree, const git_oid& new_tree) {
    std::vector<AddedEntry> entries;
    differ.diff(old_tree, new_tree, entries);
    std::vector<std::string> out;
    for (const AddedEntry& e : entries) out.push_back(e.path + " " + oid_hex(e.id) + (e.gitlink ? " gitlink" : ""));
    return out;
}

// Compares both for every commit reachable from any ref; returns how many commits were compared.
std::size_t check_every_commit(const std::string& path) {
    GitRepository repo = open_repository(path);
    git_odb* raw_odb = nullptr;
    check_git(git_repository_odb(&raw_odb, repo.get()), "odb");
    GitOdb odb(raw_odb);
    // Trees in packs are read by keyfence's pack readers, as in the history audit; the rest by libgit2.
    const auto packs = source::open_pack_readers(std::string(git_repository_commondir(repo.get())) + "objects");
    TreeDiffer differ(odb.get(), &packs, 1u << 20);  // a small cache, so eviction is exercised too
    git_revwalk* raw_walk = nullptr;
    check_git(git_revwalk_new(&raw_walk, repo.get()), "revwalk");
    GitRevwalk walk(raw_walk);
    git_revwalk_sorting(raw_walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    check_git(git_revwalk_push_glob(raw_walk, "refs/*"), "push");
    std::size_t compared = 0;
    git_oid id;
    while (git_revwalk_next(&id, raw_walk) == 0) {
        git_commit* c = nullptr;
        check_git(git_commit_lookup(&c, repo.get(), &id), "commit");
        GitCommit commit(c);
        git_tree* t = nullptr;
        check_git(git_commit_tree(&t, c), "tree");
        GitTree tree(t);
        GitTree parent_tree;
        if (git_commit_parentcount(c) > 0) {
            git_commit* p = nullptr;
            check_git(git_commit_parent(&p, c, 0), "parent");
            GitCommit parent(p);
            git_tree* pt = nullptr;
            check_git(git_commit_tree(&pt, p), "parent tree");
            parent_tree.reset(pt);
        }
        const auto expected = by_libgit2(repo.get(), parent_tree.get(), tree.get());
        const auto got = by_differ(differ, parent_tree ? git_tree_id(parent_tree.get()) : nullptr, *git_tree_id(t));
        INFO("commit " << oid_hex(id));
        REQUIRE(got == expected);
        ++compared;
    }
    return compared;
}

}  // namespace

TEST_CASE("the tree differ gives what libgit2's diff gives, commit by commit") {
    test::Repo repo;
    auto sh = [&](const std::string& cmd) {
        const auto r = test::run_shell("cd " + test::shell_quote(repo.path().string()) + " && " + cmd);
        REQUIRE_MESSAGE(r.exit_code == 0, cmd << ": " << r.err);
    };
    // Names that sort differently as files and as directories, nesting, odd characters, a symlink.
    repo.write("a.c", "int a;\n");
    repo.write("a-b", "dash\n");
    repo.write("a/x", "x\n");
    repo.write("a/y/z", "z\n");
    repo.write("a0", "zero\n");
    repo.write("sp ace/ünï", "unicode\n");
    repo.write("same1", "twice\n");
    repo.write("same2", "twice\n");
    sh("ln -s a.c link");
    const std::string root = repo.commit("root");
    // Content change deep down, a mode change of the same blob, a new nested directory.
    repo.write("a/y/z", "z2\n");
    sh("chmod +x a.c");
    repo.write("b/c/d/e", "deep\n");
    repo.commit("modify, chmod, nest");
    // A rename (same blob at a new path) and a deleted subtree.
    sh("mkdir c && git mv a/x c/x && git rm -rq a/y");
    repo.commit("rename, delete a directory");
    // A file becomes a directory and a directory becomes a file; a symlink becomes a file.
    sh("git rm -q a-b && mkdir a-b && echo inner > a-b/inner && git rm -rq b && echo file > b && rm link && echo now-a-file > link");
    repo.commit("type changes");
    // Submodule pointers: added, moved to another commit, replaced by a file.
    sh("git update-index --add --cacheinfo 160000," + root + ",sub");
    REQUIRE(repo.git("commit -q -m gitlink").exit_code == 0);
    sh("git update-index --cacheinfo 160000," + repo.head() + ",sub");
    REQUIRE(repo.git("commit -q -m 'gitlink moved'").exit_code == 0);
    sh("git update-index --force-remove sub && echo plain > sub && git add sub");
    REQUIRE(repo.git("commit -q -m 'gitlink replaced'").exit_code == 0);
    // A side branch merged back: the merge's first-parent comparison brings the side's files.
    sh("git checkout -q -b side && echo side > side.txt && git add side.txt");
    repo.commit("side");
    sh("git checkout -q main && echo main > main.txt && git add main.txt");
    repo.commit("main moves on");
    REQUIRE(repo.git("merge -q --no-edit side").exit_code == 0);
    repo.commit("empty");
    CHECK(check_every_commit(repo.path().string()) == 11);
    REQUIRE(repo.git("repack -a -d -f -q").exit_code == 0);  // now packed, with deltas between trees
    CHECK(check_every_commit(repo.path().string()) == 11);
}

TEST_CASE("a malformed tree is an error naming it, not a crash") {
    test::Repo repo;
    repo.write("f", "x\n");
    repo.commit("one");
    GitRepository r = open_repository(repo.path().string());
    git_odb* raw_odb = nullptr;
    check_git(git_repository_odb(&raw_odb, r.get()), "odb");
    GitOdb odb(raw_odb);
    for (const std::string bad : {std::string("100644 f"), std::string("10064x f\0", 9) + std::string(20, 'a'), std::string("100644 \0", 8) + std::string(20, 'a'),
                                  std::string("100644 f\0", 9) + std::string(19, 'a'), std::string("100644", 6)}) {
        repo.write("bad", bad);
        const auto written = repo.git("hash-object -t tree --literally -w bad");
        REQUIRE(written.exit_code == 0);
        git_oid id;
        REQUIRE(git_oid_fromstrn(&id, written.out.c_str(), GIT_OID_HEXSZ) == 0);
        TreeDiffer differ(odb.get());
        std::vector<AddedEntry> out;
        CHECK_THROWS_WITH_AS(differ.diff(nullptr, id, out), doctest::Contains(("malformed tree " + oid_hex(id)).c_str()), Error);
    }
    git_oid blob;
    REQUIRE(git_oid_fromstr(&blob, repo.rev("HEAD:f").c_str()) == 0);
    TreeDiffer differ(odb.get());
    std::vector<AddedEntry> out;
    CHECK_THROWS_WITH_AS(differ.diff(nullptr, blob, out), doctest::Contains("is a blob, not a tree"), Error);
}

TEST_CASE("a real clone, when KEYFENCE_TREE_DIFF_REPO names one") {
    const char* path = std::getenv("KEYFENCE_TREE_DIFF_REPO");
    if (!path) return;
    MESSAGE("commits compared: " << check_every_commit(path));
}
