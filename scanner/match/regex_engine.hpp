#pragma once
// The one place that knows which Hyperscan-API engine keyfence was built with: Intel's Hyperscan (x86-64
// only) or Vectorscan, its portable fork (arm64, macOS). Both install the same hs.h and libhs, so the code
// cannot tell them apart; CMake decides (cmake/regex_engine.cmake) and passes the name in. Everything that
// differs between the two (the name and version keyfence reports, the platform check, what a cached
// database depends on) is answered here.
#include <string>
#include <string_view>

namespace keyfence::match::regex_engine {

// "Hyperscan" or "Vectorscan".
std::string_view name();

// The linked library's version, hs_version() without trailing blanks ("5.4.0 2021-01-26", "5.4.9").
std::string version();

// The engine's line in `keyfence --version`.
std::string version_line();

// Throws keyfence::Error naming the engine when this CPU cannot run it (hs_valid_platform; Hyperscan and
// Debian's Vectorscan on x86-64 need SSSE3 / SSE4.2).
void require_supported_platform();

// What a compiled database depends on besides the rules. A database serialized by one engine, version or
// CPU family must never be loaded by another, so all three go into the cache key.
struct Identity {
    std::string name;
    std::string version;
    std::string platform;  // hs_populate_platform()'s tuning and CPU features
};
Identity identity();

// The cache-key part for an identity: each field, NUL-separated.
std::string cache_tag(const Identity& id);

}  // namespace keyfence::match::regex_engine
