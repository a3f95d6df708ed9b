#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

namespace keyfence {

double shannon_entropy(std::string_view s) {
    if (s.empty()) return 0.0;
    std::array<std::size_t, 256> counts{};
    for (unsigned char c : s) ++counts[c];
    const double n = static_cast<double>(s.size());
    double h = 0.0;
    for (std::size_t c : counts) {
        if (c == 0) continue;
        const double p = static_cast<double>(c) / n;
        h -= p * std::log2(p);
    }
    return h;
}

static char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower_ascii(c);
    return out;
}

bool contains_icase(std::string_view haystack, std::string_view needle) {
    if (needle.empty()) return true;
    auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                          [](char a, char b) { return lower_ascii(a) == lower_ascii(b); });
    return it != haystack.end();
}

bool looks_binary(std::string_view content) {
    const std::size_t n = std::min<std::size_t>(content.size(), 8000);
    return std::memchr(content.data(), '\0', n) != nullptr;
}

std::string_view url_host(std::string_view url) {
    const std::size_t start = url.find("://");
    if (start == std::string_view::npos) return {};
    const std::string_view rest = url.substr(start + 3);
    return rest.substr(0, rest.find_first_of("/?#"));
}

bool uses_unicode_classes(std::string_view regex) {
    for (std::size_t i = 0; i + 1 < regex.size(); ++i) {
        if (regex[i] != '\\') continue;
        if (regex[i + 1] == 'p' || regex[i + 1] == 'P') return true;
        ++i;  // skip the escaped character, so "\\p" is a backslash and a 'p'
    }
    return false;
}

}  // namespace keyfence
