#include "audit/mirror.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "core/error.hpp"
#include "core/git_handles.hpp"
#include "core/stop.hpp"

extern char** environ;

namespace keyfence::audit {
namespace {

using GitRemote = std::unique_ptr<git_remote, GitDeleter<git_remote, git_remote_free>>;

constexpr const char* kRefspecs[] = {"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"};

int on_progress(const git_indexer_progress* p, void*) {
    if (p->total_objects)
        std::fprintf(stderr, "\r  receiving objects: %u/%u (%.1f MiB)", p->received_objects, p->total_objects,
                     static_cast<double>(p->received_bytes) / (1 << 20));
    return 0;
}

// Credentials the way a user's git set-up offers them without asking: a user name and password in the
// URL (libgit2 reads them itself), else the ssh agent for ssh URLs. One attempt each: a refused key
// is an error, never a loop.
int on_credentials(git_credential** out, const char*, const char* username_from_url, unsigned int allowed, void* payload) {
    int& attempts = *static_cast<int*>(payload);
    if (attempts++ > 0) return GIT_EUSER;
    if (allowed & GIT_CREDENTIAL_SSH_KEY) return git_credential_ssh_key_from_agent(out, username_from_url ? username_from_url : "git");
    return GIT_PASSTHROUGH;
}

}  // namespace

void fetch_mirror(const std::string& url, const std::filesystem::path& dir) {
    ensure_libgit2();
    git_repository* raw = nullptr;
    if (git_repository_open_bare(&raw, dir.c_str()) < 0) {
        std::error_code ec;
        std::filesystem::create_directories(dir.parent_path(), ec);
        check_git(git_repository_init(&raw, dir.c_str(), 1), "creating the mirror " + dir.string());
    }
    GitRepository repo(raw);
    // The remote is made once, with the mirror's refspecs. Never git_remote_delete: it would also delete
    // the refs its refspecs write to, which here are the mirror's own branches.
    git_remote* r = nullptr;
    if (git_remote_lookup(&r, repo.get(), "origin") < 0) {
        check_git(git_remote_create_with_fetchspec(&r, repo.get(), "origin", url.c_str(), kRefspecs[0]), "adding the remote");
        git_remote_free(r);
        check_git(git_remote_add_fetch(repo.get(), "origin", kRefspecs[1]), "adding the remote");
    } else {
        git_remote_free(r);
        check_git(git_remote_set_url(repo.get(), "origin", url.c_str()), "setting the remote's URL");  // the URL as given now
    }
    check_git(git_remote_lookup(&r, repo.get(), "origin"), "reading the remote");
    GitRemote remote(r);

    git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
    opts.prune = GIT_FETCH_PRUNE;
    opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    if (::isatty(STDERR_FILENO)) opts.callbacks.transfer_progress = on_progress;
    int attempts = 0;
    opts.callbacks.credentials = on_credentials;
    opts.callbacks.payload = &attempts;
    const int rc = git_remote_fetch(remote.get(), nullptr, &opts, "keyfence audit");
    if (::isatty(STDERR_FILENO)) std::fputs("\n", stderr);
    check_git(rc, "fetching");

    // HEAD follows the remote's default branch, so `history` of the mirror walks what a clone would check out.
    git_buf head = GIT_BUF_INIT;
    if (git_remote_default_branch(&head, remote.get()) == 0) {
        git_repository_set_head(repo.get(), head.ptr);
        git_buf_dispose(&head);
    }
}

void update_mirror(const std::filesystem::path& self, const std::string& url, const std::filesystem::path& dir,
                   std::chrono::seconds limit) {
    // The child's stderr goes to a pipe we read its error from (and pass progress through on a terminal).
    int err_pipe[2];
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw Error("cannot start the fetch: pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
    const std::string self_s = self.string(), dir_s = dir.string();
    char* argv[] = {const_cast<char*>(self_s.c_str()), const_cast<char*>("__mirror"), const_cast<char*>(url.c_str()),
                    const_cast<char*>(dir_s.c_str()), nullptr};
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, self_s.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(err_pipe[1]);
    if (rc != 0) {
        ::close(err_pipe[0]);
        throw Error(fmt::format("cannot start the fetch: {}", std::strerror(rc)));
    }
    // Read the child's messages until it closes stderr, then reap it; kill it at the deadline.
    std::string messages;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    ::fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
    bool killed = false;
    int status = 0;
    for (;;) {
        char buf[4096];
        const ssize_t n = ::read(err_pipe[0], buf, sizeof buf);
        if (n > 0) {
            messages.append(buf, static_cast<std::size_t>(n));
            if (::isatty(STDERR_FILENO)) ::write(STDERR_FILENO, buf, static_cast<std::size_t>(n));
            continue;
        }
        if (::waitpid(pid, &status, WNOHANG) == pid) break;
        if (!killed && (std::chrono::steady_clock::now() >= deadline || stop_requested())) {
            ::kill(pid, SIGKILL);
            killed = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(n == 0 ? 5 : 20));
    }
    ::close(err_pipe[0]);
    if (killed && stop_requested()) throw Error("fetching: stopped (" + stop_reason() + ")");
    if (killed) throw Error(fmt::format("fetching: no end after {} s, stopped (--fetch-timeout)", limit.count()));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    // The child's last line says why ("error: fetching URL: ...").
    std::string last;
    for (std::size_t end = messages.size(); end > 0;) {
        const std::size_t start = messages.rfind('\n', end - 1);
        const std::string line = messages.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1));
        if (line.find_first_not_of(" \r") != std::string::npos) {
            last = line;
            break;
        }
        if (start == std::string::npos) break;
        end = start;
    }
    if (last.starts_with("error: ")) last.erase(0, 7);
    throw Error(!last.empty() ? last
                : WIFSIGNALED(status) ? fmt::format("fetching: the fetch died (signal {})", WTERMSIG(status))
                                      : std::string("fetching: failed"));
}

}  // namespace keyfence::audit
