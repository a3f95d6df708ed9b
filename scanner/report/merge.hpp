#pragma once
// One finding per rule and secret across repositories: what `keyfence audit` reports and what
// `keyfence report merge` makes of several reports. The same key pasted into five repositories is one
// key to revoke, with five places to clean.
#include <vector>

#include "core/finding.hpp"

namespace keyfence::report {

// Findings with the same fingerprint (rule and secret) become one: the place in the first repository
// (by name; within a repository, the place its own report put first) is the finding, every other
// place is in also_in, ordered by repository and then as each repository's report listed them. Merging
// is associative: merging shards' merged findings gives what merging all of them at once gives.
std::vector<Finding> merge_findings(std::vector<Finding> findings);

}  // namespace keyfence::report
