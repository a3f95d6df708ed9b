#pragma once
// The records a scan produces: findings (confirmed secrets) and diagnostics (non-fatal problems).
#include <cstdint>
#include <string>
#include <vector>

namespace keyfence {

struct Finding {
    std::string rule_id;
    std::string description;
    std::string path;
    std::uint64_t line = 0;    // 1-based, of the secret's first byte
    std::uint64_t column = 0;  // 1-based byte column
    std::uint64_t end_line = 0;
    std::uint64_t end_column = 0;  // 1-based, of the secret's last byte
    std::uint64_t offset = 0;      // byte offset of the secret in the input
    std::string secret;
    std::string match;      // the regex's whole match
    std::string line_text;  // the line holding the secret (cut around it when very long)
    double entropy = 0.0;
    std::string fingerprint;  // stable: hash of rule id and secret
    bool binary = false;      // found in binary content (report the byte offset)
    std::vector<std::string> tags;
};

struct Diagnostic {
    std::string path;
    std::string message;
};

// Deterministic report order: path, then offset, then rule.
bool finding_less(const Finding& a, const Finding& b);

}  // namespace keyfence
