#pragma once
// What `keyfence audit --since-last` remembers per repository (in the cache directory, mode 0600):
// the ref tips of its last successful audit, and the fingerprints (hashes of rule id and secret, never
// a secret) of the findings reported for it, so a re-audit scans only new commits and reports only new keys.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace keyfence::audit {

struct RepositoryState {
    std::vector<std::string> tips;      // commit ids
    std::set<std::string> reported;     // finding fingerprints
};

class AuditState {
public:
    // Loads `file` if it exists; a missing or damaged file is an empty state (a full audit).
    explicit AuditState(std::filesystem::path file);

    const RepositoryState* find(const std::string& repository) const;
    void update(const std::string& repository, RepositoryState state) { updated_[repository] = std::move(state); }

    // Writes the updated entries, merged with whatever the file holds now (another shard may share the
    // cache directory), under a lock; throws keyfence::Error naming the file.
    void save() const;

private:
    std::filesystem::path file_;
    std::map<std::string, RepositoryState> loaded_, updated_;
};

}  // namespace keyfence::audit
