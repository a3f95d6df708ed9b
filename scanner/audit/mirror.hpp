#pragma once
// Bare mirrors of remote repositories in keyfence's cache directory: cloned on the first audit, fetched
// on the next (forced, pruned: a force-pushed or deleted branch is followed, never an error).
//
// libgit2 parses what the remote sends, which is untrusted input, and a remote can stall forever: so
// the fetch runs in a child process (keyfence itself, `keyfence __mirror URL DIR`) that the audit
// kills after a deadline. A crash or a hang there costs that repository, never the audit.
#include <chrono>
#include <filesystem>
#include <string>

namespace keyfence::audit {

// In the child: creates dir as a bare repository if needed and fetches every branch and tag of url
// into it (+refs/heads/*, +refs/tags/*, pruned); HEAD follows the remote's default branch. Progress
// on stderr when it is a terminal. Throws keyfence::Error with libgit2's message.
void fetch_mirror(const std::string& url, const std::filesystem::path& dir);

// In the audit: runs `self __mirror url dir` and waits at most `limit`. Throws keyfence::Error with
// the child's last error line, or saying it was stopped at the deadline.
void update_mirror(const std::filesystem::path& self, const std::string& url, const std::filesystem::path& dir,
                   std::chrono::seconds limit);

}  // namespace keyfence::audit
