#include "confirm/checks/placeholder.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "core/text.hpp"

namespace keyfence::confirm {
namespace {

constexpr std::size_t kRun = 6;  // equal or consecutive alphanumerics that make a string a placeholder
constexpr std::size_t kMaxTokenLength = 256;  // longer secrets (key blocks) skip the structure checks

// Words that mark a value as made up (5+ letters, so random keys do not spell them by chance).
constexpr std::array<std::string_view, 12> kWords = {"example", "placeholder", "changeme", "redacted", "dummy",
                                                     "sample",  "your_",       "your-",    "yourkey",  "insert",
                                                     "replace", "xxxxx"};
// Whole values that are stand-ins, not credentials.
constexpr std::array<std::string_view, 8> kValues = {"password", "secret", "token", "apikey", "api_key", "none", "null", "undefined"};

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool has_run(std::string_view s) {
    std::size_t same = 1, up = 1, down = 1;
    for (std::size_t i = 1; i < s.size(); ++i) {
        const char a = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i - 1])));
        const char b = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
        if (!alnum(a) || !alnum(b)) {
            same = up = down = 1;
            continue;
        }
        same = a == b ? same + 1 : 1;
        up = b == a + 1 ? up + 1 : 1;
        down = b + 1 == a ? down + 1 : 1;
        if (same >= kRun || up >= kRun || down >= kRun) return true;
    }
    return false;
}

}  // namespace

bool looks_like_placeholder(std::string_view secret) {
    if (secret.find("${") != std::string_view::npos || secret.find("{{") != std::string_view::npos) return true;
    if (secret.size() >= 2 && secret.front() == '<' && secret.back() == '>') return true;
    const std::string lower = to_lower(secret);
    if (std::find(kValues.begin(), kValues.end(), lower) != kValues.end()) return true;
    for (std::string_view w : kWords)
        if (lower.find(w) != std::string::npos) return true;
    // Structure checks fit tokens, not long structured secrets: an OpenSSH or DER key body holds runs like
    // "AAAAAAAA" by design (length fields), so PEM blocks and other long values stop here.
    if (secret.size() > kMaxTokenLength) return false;
    // Low variety: a long value made of three or fewer distinct characters ("abcabcabc…", "0000…").
    std::array<bool, 256> seen{};
    std::size_t distinct = 0;
    for (unsigned char c : secret) distinct += !seen[c] ? (seen[c] = true, 1) : 0;
    if (secret.size() >= 12 && distinct <= 3) return true;
    return has_run(secret);
}

}  // namespace keyfence::confirm
