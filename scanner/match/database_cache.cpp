#include "match/database_cache.hpp"

#include <cstdlib>

#include "core/digest.hpp"
#include "core/error.hpp"
#include "core/file_read.hpp"
#include "core/private_file.hpp"
#include "match/regex_engine.hpp"

namespace keyfence::match {
namespace fs = std::filesystem;

namespace {
constexpr const char* kCacheFormat = "keyfence-db-v3";
}  // namespace

std::optional<fs::path> default_cache_dir() {
    if (const char* d = std::getenv("KEYFENCE_CACHE_DIR"); d && *d) return fs::path(d);
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "keyfence";
    if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "keyfence";
    return std::nullopt;
}

std::string cache_entry_name(const rules::RuleSet& rules, std::string_view engine_tag) {
    const std::string key = sha256_hex(std::string(kCacheFormat) + '\0' + rules.digest() + '\0' + std::string(engine_tag));
    return key.substr(0, 32) + ".hsdb";
}

fs::path cache_file_for(const rules::RuleSet& rules, const fs::path& dir) {
    return dir / cache_entry_name(rules, regex_engine::cache_tag(regex_engine::identity()));
}

CompiledRules load_or_build(const rules::RuleSet& rules, const std::optional<fs::path>& dir, bool* from_cache) {
    if (from_cache) *from_cache = false;
    if (!dir) return CompiledRules::build(rules);
    const fs::path file = cache_file_for(rules, *dir);
    if (const auto bytes = read_whole_file(file)) {
        if (auto cached = CompiledRules::deserialize(*bytes, rules.rules.size())) {
            if (from_cache) *from_cache = true;
            return std::move(*cached);
        }
    }
    CompiledRules built = CompiledRules::build(rules);
    // Best effort: a cache that cannot be written only costs the next run a compile.
    std::error_code ec;
    fs::create_directories(*dir, ec);
    try {
        write_private_file(file, built.serialize());
    } catch (const Error&) {
    }
    return built;
}

}  // namespace keyfence::match
