#pragma once
// What `keyfence audit` is asked to audit: local repositories and URLs, from the command line and from
// --repos files, and the stable share of them one shard takes.
#include <filesystem>
#include <string>
#include <vector>

namespace keyfence::audit {

// https://, http://, ssh://, git://, file:// URLs and scp-like user@host:path.
bool is_url(const std::string& target);

// The entries of a --repos file: one repository or URL per line; blank lines and # comments skipped.
// Throws keyfence::Error when the file cannot be read.
std::vector<std::string> read_repo_list(const std::filesystem::path& file);

// "K/N" with 1 <= K <= N; throws keyfence::Error otherwise.
struct Shard {
    unsigned k = 1, n = 1;
};
Shard parse_shard(const std::string& spec);

// Whether shard K/N takes this repository: by a hash of its name as given, so adding a repository to
// the list moves no other one between shards.
bool in_shard(const std::string& target, const Shard& shard);

// Where the bare mirror of a URL lives in the cache directory: readable and unique per URL.
std::filesystem::path mirror_dir(const std::filesystem::path& cache_dir, const std::string& url);

}  // namespace keyfence::audit
