#include "decode/encodings.hpp"

#include <algorithm>
#include <cstring>

#include "decode/base64.hpp"

namespace keyfence::decode {
namespace {

int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
bool is_hex(unsigned char c) { return hex_value(c) >= 0; }
bool hex_digits(std::string_view s, std::size_t at, std::size_t count) {
    if (at + count > s.size()) return false;
    for (std::size_t i = at; i < at + count; ++i)
        if (!is_hex(static_cast<unsigned char>(s[i]))) return false;
    return true;
}
unsigned hex_number(std::string_view s, std::size_t at, std::size_t count) {
    unsigned v = 0;
    for (std::size_t i = at; i < at + count; ++i) v = v * 16 + static_cast<unsigned>(hex_value(static_cast<unsigned char>(s[i])));
    return v;
}

// A byte that can sit inside one encoded token: printable, not blank, not a quote or bracket that ends a
// string literal or a URL in text. Backslash belongs to escape runs, not to percent runs.
bool token_byte(unsigned char c, bool allow_backslash) {
    if (c <= 0x20 || c == 0x7f) return false;
    if (c == '\\') return allow_backslash;
    return std::strchr("\"'`<>", c) == nullptr;
}

// Runs around each escape the predicate accepts at position i (which starts with `mark`): the token
// containing it, bounded by token_byte. One run per token, however many escapes it holds.
template <typename IsEscape>
void find_escape_runs(std::string_view s, char mark, bool allow_backslash, Encoding enc, IsEscape is_escape, std::vector<EncodedRun>& out) {
    std::size_t next_free = 0;
    for (std::size_t i = 0; i < s.size();) {
        const void* hit = std::memchr(s.data() + i, mark, s.size() - i);
        if (!hit) break;
        i = static_cast<std::size_t>(static_cast<const char*>(hit) - s.data());
        if (!is_escape(s, i)) {
            ++i;
            continue;
        }
        std::size_t begin = i, end = i + 1;
        while (begin > next_free && token_byte(static_cast<unsigned char>(s[begin - 1]), allow_backslash)) --begin;
        while (end < s.size() && token_byte(static_cast<unsigned char>(s[end]), allow_backslash)) ++end;
        if (end - begin >= kMinEscapedRun) out.push_back({begin, end, enc});
        next_free = i = end;
    }
}

bool percent_escape(std::string_view s, std::size_t i) { return hex_digits(s, i + 1, 2); }
bool backslash_escape(std::string_view s, std::size_t i) {
    if (i + 1 >= s.size()) return false;
    if (s[i + 1] == 'u') return hex_digits(s, i + 2, 4);
    if (s[i + 1] == 'x') return hex_digits(s, i + 2, 2);
    return false;
}

void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool decode_percent(std::string_view run, std::string& out) {
    out.clear();
    bool any = false;
    for (std::size_t i = 0; i < run.size(); ++i) {
        if (run[i] == '%' && percent_escape(run, i)) {
            out += static_cast<char>(hex_number(run, i + 1, 2));
            i += 2;
            any = true;
        } else {
            out += run[i];  // '+' stays: in a key it is a character, not a space
        }
    }
    return any;
}

bool decode_escapes(std::string_view run, std::string& out) {
    out.clear();
    bool any = false;
    for (std::size_t i = 0; i < run.size(); ++i) {
        if (run[i] != '\\' || !backslash_escape(run, i)) {
            out += run[i];
            continue;
        }
        any = true;
        if (run[i + 1] == 'x') {
            out += static_cast<char>(hex_number(run, i + 2, 2));
            i += 3;
            continue;
        }
        unsigned cp = hex_number(run, i + 2, 4);
        i += 5;
        // A UTF-16 surrogate pair (JSON's spelling of an emoji) is one code point; a lone half is U+FFFD.
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 2 < run.size() && run[i + 1] == '\\' && run[i + 2] == 'u' && hex_digits(run, i + 3, 4)) {
            const unsigned low = hex_number(run, i + 3, 4);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                i += 6;
            }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
        append_utf8(out, cp);
    }
    return any;
}

bool decode_hex(std::string_view run, std::string& out) {
    out.clear();
    // Judge a prefix first: most hex runs are hashes and ids, which decode to binary.
    const std::size_t head = std::min<std::size_t>(run.size() / 2, 32);
    for (std::size_t pass = 0; pass < 2; ++pass) {
        const std::size_t bytes = pass == 0 ? head : run.size() / 2;
        out.clear();
        for (std::size_t i = 0; i < bytes; ++i) out += static_cast<char>(hex_number(run, 2 * i, 2));
        if (!mostly_text(out)) return false;
        if (bytes == run.size() / 2) break;
    }
    return true;
}

}  // namespace

std::string_view encoding_name(Encoding e) {
    switch (e) {
        case Encoding::kBase64: return "base64";
        case Encoding::kPercent: return "percent";
        case Encoding::kHex: return "hex";
        case Encoding::kEscape: return "escape";
    }
    return "?";
}

void find_encoded_runs(std::string_view content, std::vector<EncodedRun>& out) {
    std::vector<std::pair<std::size_t, std::size_t>> b64;
    find_base64_runs(content, kMinBase64Run, b64);
    for (const auto& [begin, end] : b64) out.push_back({begin, end, Encoding::kBase64});
    // Hex digits are base64 characters, so every hex run lies inside a base64-alphabet run ("0x" prefixes
    // and neighbouring letters included): look only there.
    for (const auto& [begin, end] : b64) {
        for (std::size_t i = begin; i < end;) {
            if (!is_hex(static_cast<unsigned char>(content[i]))) {
                ++i;
                continue;
            }
            std::size_t j = i;
            while (j < end && is_hex(static_cast<unsigned char>(content[j]))) ++j;
            if (j - i >= kMinHexRun) out.push_back({i, j, Encoding::kHex});
            i = j;
        }
    }
    find_escape_runs(content, '%', false, Encoding::kPercent, percent_escape, out);
    find_escape_runs(content, '\\', true, Encoding::kEscape, backslash_escape, out);
}

bool decode_run(std::string_view run, Encoding encoding, std::string& out) {
    switch (encoding) {
        case Encoding::kBase64: return decode_base64_text(run, out);
        case Encoding::kPercent: return decode_percent(run, out);
        case Encoding::kHex: return decode_hex(run, out);
        case Encoding::kEscape: return decode_escapes(run, out);
    }
    return false;
}

}  // namespace keyfence::decode
