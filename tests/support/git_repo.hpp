#pragma once
// A git repository in a temporary directory, driven with the git CLI, with fixed author, committer and
// dates so commit ids are the same on every run.
#include <doctest/doctest.h>

#include <string>

#include "support/run.hpp"

namespace keyfence::test {

class Repo {
public:
    explicit Repo(bool bare = false) {
        REQUIRE(git(std::string("init -q -b main") + (bare ? " --bare" : "")).exit_code == 0);
    }
    const std::filesystem::path& path() const { return dir_.path(); }
    RunResult git(const std::string& args) const {
        return run_shell("GIT_AUTHOR_DATE='2026-01-02T03:04:05+01:00' GIT_COMMITTER_DATE='2026-01-02T03:04:05+01:00' git -C " +
                         shell_quote(dir_.path().string()) + " -c user.name='Ada Lovelace' -c user.email=ada@example.com -c commit.gpgsign=false " + args);
    }
    void write(const std::string& rel, const std::string& content) const { dir_.write(rel, content); }
    std::string commit(const std::string& message) const {
        REQUIRE(git("add -A").exit_code == 0);
        const auto r = git("commit -q --allow-empty -m " + shell_quote(message));
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        return head();
    }
    std::string head() const { return rev("HEAD"); }
    // The object id a revision names ("HEAD:path", ":path" for the index).
    std::string rev(const std::string& spec) const {
        auto r = git("rev-parse " + spec);
        return r.out.substr(0, r.out.find('\n'));
    }
    // Where git keeps a loose object.
    std::string object_path(const std::string& oid) const {
        return (dir_.path() / ".git" / "objects" / oid.substr(0, 2) / oid.substr(2)).string();
    }

private:
    TempDir dir_;
};

}  // namespace keyfence::test
