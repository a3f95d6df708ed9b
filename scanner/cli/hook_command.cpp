// keyfence hook install | uninstall: put the gates into a repository's hooks directory. An existing hook
// is kept and chained (it runs first), never overwritten; uninstall puts it back. Honours core.hooksPath.
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/common.hpp"
#include "core/file_read.hpp"
#include "core/git_handles.hpp"
#include "match/database_cache.hpp"

namespace keyfence::cli {
namespace fs = std::filesystem;
namespace {

constexpr const char* kMarker = "keyfence-managed-hook";

std::string self_path() {
    std::error_code ec;
    const fs::path p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("keyfence") : p.string();
}

struct HookPlace {
    fs::path dir;
    fs::path root;  // work tree root (or git dir when bare)
};

HookPlace hooks_dir(const std::string& repo_path) {
    GitRepository repo = open_repository(repo_path);
    const char* workdir = git_repository_workdir(repo.get());
    HookPlace place{fs::path(git_repository_path(repo.get())) / "hooks", workdir ? workdir : git_repository_path(repo.get())};
    git_config* raw_cfg = nullptr;
    if (git_repository_config_snapshot(&raw_cfg, repo.get()) == 0) {
        GitConfig cfg(raw_cfg);
        const char* value = nullptr;
        if (git_config_get_string(&value, cfg.get(), "core.hooksPath") == 0 && value && *value) {
            fs::path p = value;
            if (p.string().rfind("~/", 0) == 0 && std::getenv("HOME")) p = fs::path(std::getenv("HOME")) / p.string().substr(2);
            place.dir = p.is_absolute() ? p : place.root / p;  // git resolves it from the work tree's top
        }
    }
    return place;
}

bool is_ours(const fs::path& hook) {
    const auto text = read_whole_file(hook);
    return text && text->find(kMarker) != std::string::npos;
}

std::string pre_commit_script(const std::string& bin) {
    return fmt::format(R"sh(#!/bin/sh
# {marker}: pre-commit. Installed by `keyfence hook install`; `keyfence hook uninstall` removes it.
# Blocks a commit whose staged changes add a secret. A hook that was here before runs first.
orig="$(dirname "$0")/pre-commit.keyfence-orig"
if [ -x "$orig" ]; then "$orig" "$@" || exit $?; fi
kf='{bin}'
[ -x "$kf" ] || kf=keyfence
exec "$kf" staged
)sh",
                       fmt::arg("marker", kMarker), fmt::arg("bin", bin));
}

std::string pre_push_script(const std::string& bin) {
    return fmt::format(R"sh(#!/bin/sh
# {marker}: pre-push. Installed by `keyfence hook install --pre-push`; `keyfence hook uninstall` removes it.
# Scans every commit being pushed that the remote does not have yet. A hook that was here before runs first.
remote="$1"
updates=$(cat)
orig="$(dirname "$0")/pre-push.keyfence-orig"
if [ -x "$orig" ]; then printf '%s\n' "$updates" | "$orig" "$@" || exit $?; fi
kf='{bin}'
[ -x "$kf" ] || kf=keyfence
# keyfence reads the pushed refs from stdin (what the remote has .. what it gets; a new branch: what no
# remote-tracking ref of this remote has) and its config as the remote already has it, never as pushed.
printf '%s\n' "$updates" | "$kf" history . --pushed --remote "$remote"
)sh",
                       fmt::arg("marker", kMarker), fmt::arg("bin", bin));
}

void install_one(const fs::path& dir, const std::string& name, const std::string& script) {
    const fs::path hook = dir / name, orig = dir / (name + ".keyfence-orig");
    std::error_code ec;
    if (fs::exists(hook, ec) && !is_ours(hook)) {
        if (fs::exists(orig, ec)) throw Error(fmt::format("{} exists and so does {}; move one away first", hook.string(), orig.string()));
        fs::rename(hook, orig);
        std::cerr << fmt::format("keyfence: kept your existing {} hook as {}; it still runs first\n", name, orig.filename().string());
    }
    const fs::path tmp = dir / (name + ".keyfence-tmp");
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << script;
        if (!out) throw Error("cannot write " + tmp.string());
    }
    fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    fs::rename(tmp, hook);
    std::cerr << fmt::format("keyfence: installed {}\n", hook.string());
}

bool uninstall_one(const fs::path& dir, const std::string& name) {
    const fs::path hook = dir / name, orig = dir / (name + ".keyfence-orig");
    std::error_code ec;
    bool changed = false;
    if (fs::exists(hook, ec) && is_ours(hook)) {
        fs::remove(hook);
        std::cerr << fmt::format("keyfence: removed the keyfence {} hook\n", name);
        changed = true;
    }
    if (fs::exists(orig, ec) && !fs::exists(hook, ec)) {
        fs::rename(orig, hook);
        std::cerr << fmt::format("keyfence: restored your previous {} hook\n", name);
        changed = true;
    }
    return changed;
}

}  // namespace

int hook_install_command(const HookArgs& args) {
    const HookPlace place = hooks_dir(args.repo);
    fs::create_directories(place.dir);
    const std::string bin = self_path();
    install_one(place.dir, "pre-commit", pre_commit_script(bin));
    if (args.pre_push) install_one(place.dir, "pre-push", pre_push_script(bin));
    // Warm the database cache so the first commit is as fast as the rest.
    scan::Engine engine(load_rules({}, place.root), match::default_cache_dir());
    std::cerr << fmt::format("keyfence: {} rules ready\n", engine.rules().rules.size());
    return 0;
}

int hook_uninstall_command(const HookArgs& args) {
    const HookPlace place = hooks_dir(args.repo);
    bool any = uninstall_one(place.dir, "pre-commit");
    any = uninstall_one(place.dir, "pre-push") || any;
    if (!any) std::cerr << "keyfence: no keyfence hook installed\n";
    return 0;
}

}  // namespace keyfence::cli
