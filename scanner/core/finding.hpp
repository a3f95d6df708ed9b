#pragma once
// The records a scan produces: findings (confirmed secrets) and diagnostics (non-fatal problems).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace keyfence {

// A commit, as reports show it.
struct CommitInfo {
    std::string id;
    std::string author_name;
    std::string author_email;
    std::string date;  // author date, ISO 8601 with the author's offset
    std::string summary;
};

// Another place holding the same secret (history scans).
struct Place {
    std::string commit;  // empty for a blob no ref reaches
    std::string path;
    std::string repository;  // audit of many repositories: the repository as given; empty otherwise

    bool operator==(const Place&) const = default;
};

// A finding of a required rule that let a composite rule report (gitleaks' [[rules.required]]).
struct RequiredFinding {
    std::string rule_id;
    std::string secret;
    std::uint64_t line = 0;
    std::uint64_t column = 0;
};

// What the provider said of the key under --validate.
struct Validation {
    std::string status;    // "live", "invalid" or "unknown"
    long http_status = 0;  // 0: no HTTP answer
    std::string detail;    // a short reason: "HTTP 401", "rate limited", "no validator for this rule", a TLS error
};

struct Finding {
    std::string rule_id;
    std::string description;
    std::string repository;  // audit of many repositories: the repository as given (path or URL); empty otherwise
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
    std::string encoding;     // "base64" when found by decoding: the location is the encoded span's
    std::vector<std::string> tags;
    std::vector<RequiredFinding> required;  // composite rules: what each required rule found nearby
    std::optional<Validation> validation;   // --validate only
    std::string remediation;            // the rule's line on how to revoke such a key
    std::size_t job = 0;                // which job (file or blob) of its source it came from
    std::optional<CommitInfo> commit;   // history scans: the commit that introduced it
    std::vector<Place> also_in;         // history scans: every other commit/path holding the same secret
};

struct Diagnostic {
    std::string path;
    std::string message;
};

// Deterministic report order: repository, path, then offset, then rule.
bool finding_less(const Finding& a, const Finding& b);

}  // namespace keyfence
