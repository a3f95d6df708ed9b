#pragma once
// What a push adds, as revisions for `keyfence history`: the pre-push gate scans only that, never the
// whole history, so a key already on the remote does not block every later push (even one removing it).
#include <git2.h>

#include <istream>
#include <string>
#include <vector>

namespace keyfence::cli {

// From the pre-commit framework's environment (PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF) when it is set,
// else from git's pre-push protocol on `updates` ("<local ref> <local sha> <remote ref> <remote sha>"
// lines). An update of a ref the remote has becomes "remote..local"; a new branch becomes "local" with
// every remote-tracking ref of `remote` excluded, the remote's default branch first (the trusted base
// of the range gate). Deletions add nothing. Empty: nothing to scan.
std::vector<std::string> pushed_revisions(git_repository* repo, const std::string& remote, std::istream& updates);

}  // namespace keyfence::cli
