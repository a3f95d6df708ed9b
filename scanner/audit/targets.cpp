#include "audit/targets.hpp"

#include <fmt/format.h>

#include <cstring>
#include <iostream>
#include <iterator>
#include <sstream>

#include "core/digest.hpp"
#include "core/error.hpp"
#include "core/file_read.hpp"

namespace keyfence::audit {

bool is_url(const std::string& t) {
    for (const char* scheme : {"https://", "http://", "ssh://", "git://", "file://"})
        if (t.starts_with(scheme)) return true;
    // scp-like: user@host:path, with no slash before the colon (a local path with a colon has one).
    const std::size_t at = t.find('@'), colon = t.find(':');
    return at != std::string::npos && colon != std::string::npos && at < colon && t.find('/') > colon;
}

std::vector<std::string> read_repo_list(const std::filesystem::path& file) {
    std::optional<std::string> text;
    if (file == "-") text = std::string(std::istreambuf_iterator<char>(std::cin), {});
    else text = read_whole_file(file);
    if (!text) throw Error(fmt::format("--repos {}: cannot read the file", file.string()));
    std::vector<std::string> out;
    std::istringstream in(*text);
    for (std::string line; std::getline(in, line);) {
        if (const std::size_t hash = line.find('#'); hash != std::string::npos && (hash == 0 || std::isspace(static_cast<unsigned char>(line[hash - 1]))))
            line.erase(hash);
        const std::size_t b = line.find_first_not_of(" \t\r");
        if (b == std::string::npos) continue;
        out.push_back(line.substr(b, line.find_last_not_of(" \t\r") - b + 1));
    }
    return out;
}

Shard parse_shard(const std::string& spec) {
    Shard s;
    char slash = 0;
    char extra = 0;
    if (std::sscanf(spec.c_str(), "%u%c%u%c", &s.k, &slash, &s.n, &extra) != 3 || slash != '/' || s.k < 1 || s.k > s.n)
        throw Error(fmt::format("--shard must be K/N with 1 <= K <= N, not '{}'", spec));
    return s;
}

bool in_shard(const std::string& target, const Shard& shard) {
    const Sha256 d = sha256_of(target);
    std::uint64_t h = 0;
    for (int i = 0; i < 8; ++i) h = h << 8 | d[static_cast<std::size_t>(i)];
    return h % shard.n == shard.k - 1;
}

std::filesystem::path mirror_dir(const std::filesystem::path& cache_dir, const std::string& url) {
    // The last path component (without .git) for people, a hash of the whole URL for uniqueness.
    std::string name = url;
    while (!name.empty() && (name.back() == '/')) name.pop_back();
    if (name.ends_with(".git")) name.resize(name.size() - 4);
    name = name.substr(name.find_last_of("/:") == std::string::npos ? 0 : name.find_last_of("/:") + 1);
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
    if (name.empty() || name[0] == '.') name = "repo" + name;
    return cache_dir / "repos" / fmt::format("{}-{}.git", name.substr(0, 60), sha256_hex(url).substr(0, 12));
}

}  // namespace keyfence::audit
