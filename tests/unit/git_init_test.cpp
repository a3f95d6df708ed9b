// libgit2's transports after keyfence's start-up. The static build defers libgit2's TLS (mbedTLS) and
// ssh (libssh2) set-up to first use (core/git_handles.cpp): each entry point that needs it must still
// work, and fail cleanly where there is nothing to talk to, not crash on a configuration never set up.
#include <doctest/doctest.h>
#include <git2.h>

#include <filesystem>
#include <string>

#include "core/git_handles.hpp"

using namespace keyfence;

namespace {
// Connects an anonymous remote for fetching; returns libgit2's status and error message.
std::pair<int, std::string> connect(const char* url) {
    git_remote* remote = nullptr;
    REQUIRE(git_remote_create_detached(&remote, url) == 0);
    git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
    const int rc = git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr);
    const std::string message = rc < 0 ? git_last_error() : "";
    git_remote_free(remote);
    return {rc, message};
}
}  // namespace

TEST_CASE("TLS and ssh are set up on first use: certificate locations, an https and an ssh connection") {
    ensure_libgit2();
    // Nothing listens on port 1 of the loopback: each connection is refused, after the stream (TLS or
    // ssh) was created.
    for (const char* url : {"https://127.0.0.1:1/repo.git", "ssh://git@127.0.0.1:1/repo.git"}) {
        INFO(url);
        const auto [rc, message] = connect(url);
        CHECK(rc < 0);
        CHECK(message.find("connect") != std::string::npos);
    }
    const char* bundle = "/etc/ssl/certs/ca-certificates.crt";
    if (std::filesystem::exists(bundle)) CHECK(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, bundle, nullptr) == 0);
    CHECK(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, "/nonexistent/ca.pem", nullptr) < 0);
}
