#include "match/binary_rules.hpp"

#include <algorithm>


namespace keyfence::match {
namespace {

constexpr std::size_t kMinPrefix = 4;
constexpr std::string_view kEndBoundaries[] = {"(?:[^A-Za-z0-9_-]|$)", "\\b", ""};

// Index of the ')' closing the group opened at re[open], or npos. Escapes and classes are skipped.
std::size_t group_end(const std::string& re, std::size_t open) {
    int depth = 0;
    bool in_class = false;
    for (std::size_t i = open; i < re.size(); ++i) {
        const char c = re[i];
        if (c == '\\') {
            ++i;
        } else if (in_class) {
            if (c == ']') in_class = false;
        } else if (c == '[') {
            in_class = true;
            if (i + 1 < re.size() && re[i + 1] == ']') ++i;  // "[]...]": the first ']' is a member
        } else if (c == '(') {
            ++depth;
        } else if (c == ')' && --depth == 0) {
            return i;
        }
    }
    return std::string::npos;
}

// Length of the literal at the start of s ("sk-ant-api03-", with "\-" counted as '-'), stopping at the
// first character with a meaning in a regex.
std::size_t literal_length(std::string_view s, std::size_t& consumed) {
    std::size_t n = 0;
    consumed = 0;
    while (consumed < s.size()) {
        const char c = s[consumed];
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (plain) {
            ++consumed;
        } else if (c == '\\' && consumed + 1 < s.size() && (s[consumed + 1] == '-' || s[consumed + 1] == '_')) {
            consumed += 2;
        } else {
            break;
        }
        ++n;
    }
    // A quantifier after the last character applies to it alone: that character is not part of the literal.
    if (consumed < s.size() && (s[consumed] == '{' || s[consumed] == '?' || s[consumed] == '*' || s[consumed] == '+') && n > 0) --n;
    return n;
}

// The key starts with an unmistakable literal of 4+ characters: plain ("gsk_"), or a choice of literals
// and what follows it ("(?:sk|rk)_live_", "(?:AKIA|ABIA|ACCA)"), counting the shortest choice.
bool distinctive_alternative(std::string_view body) {
    std::size_t used = 0;
    std::size_t length = literal_length(body, used);
    if (length >= kMinPrefix) return true;
    if (length > 0 || !body.starts_with("(?:")) return false;
    std::size_t shortest = std::string_view::npos;
    for (std::size_t i = 3;;) {
        shortest = std::min(shortest, literal_length(body.substr(i), used));
        i += used;
        if (i >= body.size() || (body[i] != '|' && body[i] != ')')) return false;
        if (body[i++] == ')') {
            length = literal_length(body.substr(i), used);
            // a quantified group ("(?:ab|cd)?") is no literal
            if (used == 0 && i < body.size() && (body[i] == '?' || body[i] == '*' || body[i] == '{')) return false;
            return shortest + length >= kMinPrefix;
        }
    }
}

// Every top-level alternative of the group starts with a distinctive prefix.
bool distinctive_prefix(const std::string& body) {
    std::size_t start = 0;
    for (std::size_t i = 0; i <= body.size(); ++i) {
        if (i < body.size() && body[i] == '\\') {
            ++i;
        } else if (i < body.size() && (body[i] == '(' || body[i] == '[')) {
            const std::size_t end = body[i] == '(' ? group_end(body, i) : body.find(']', i + 2);
            if (end == std::string::npos) return false;
            i = end;
        } else if (i == body.size() || body[i] == '|') {
            if (!distinctive_alternative(std::string_view(body).substr(start, i - start))) return false;
            start = i + 1;
        }
    }
    return true;
}

}  // namespace

std::string binary_regex(const std::string& regex) {
    if (!regex.starts_with("\\b(") || regex.compare(3, 2, "?:") == 0 || regex.compare(3, 2, "?P") == 0) return regex;
    const std::size_t close = group_end(regex, 2);
    if (close == std::string::npos) return regex;
    const std::string body = regex.substr(3, close - 3);
    const std::string_view rest = std::string_view(regex).substr(close + 1);
    bool known_end = false;
    for (std::string_view end : kEndBoundaries) known_end = known_end || rest == end;
    if (!known_end || !distinctive_prefix(body)) return regex;
    return "(" + body + ")";
}

std::optional<rules::RuleSet> binary_variant(const rules::RuleSet& rules) {
    rules::RuleSet out = rules;
    bool changed = false;
    for (rules::Rule& r : out.rules) {
        std::string re = binary_regex(r.regex);
        if (re == r.regex) continue;
        r.regex = std::move(re);
        changed = true;
    }
    if (!changed) return std::nullopt;
    out.source = rules.source + " (binary content)";
    return out;
}

}  // namespace keyfence::match
