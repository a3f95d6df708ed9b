#pragma once
// Small text utilities shared by the engine: entropy, case folding, binary detection.
#include <cstddef>
#include <string>
#include <string_view>

namespace keyfence {

// Shannon entropy in bits per byte of s (0 for an empty string).
double shannon_entropy(std::string_view s);

std::string to_lower(std::string_view s);

// Case-insensitive (ASCII) substring search.
bool contains_icase(std::string_view haystack, std::string_view needle);

// Git's heuristic: a NUL byte in the first 8000 bytes makes content binary.
bool looks_binary(std::string_view content);

// The host of "scheme://host/path?query" (user info and port included), or "" when there is no "://".
std::string_view url_host(std::string_view url);

// True when a regex uses Unicode classes (\p{..}, \P{..}): those need RE2's UTF-8 mode and cannot be
// matched exactly by Hyperscan scanning bytes.
bool uses_unicode_classes(std::string_view regex);

}  // namespace keyfence
