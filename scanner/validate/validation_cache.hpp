#pragma once
// A day's memory of providers' verdicts, so auditing the same history twice does not ask twice. Only
// definite answers (live, invalid) are kept; an entry is keyed by SHA-256 of the rule's request and the
// secret (with the companion values a pair sends, such as its key id), never the secret itself, in a
// 0600 file in keyfence's cache directory.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/finding.hpp"
#include "rules/rule_set.hpp"

namespace keyfence::validate {

class ValidationCache {
public:
    // Loads `file` if it exists; a missing, unreadable or damaged file is an empty cache.
    explicit ValidationCache(std::filesystem::path file);

    std::optional<Validation> find(const rules::Validator& v, const std::string& identity) const;
    void remember(const rules::Validator& v, const std::string& identity, const Validation& result);
    // Writes the entries younger than a day back (mode 0600); failures only cost the next run a request.
    void save() const;

    static constexpr std::chrono::hours kLifetime{24};

private:
    struct Entry {
        Validation result;
        std::int64_t at = 0;  // seconds since the epoch
    };
    static std::string key_of(const rules::Validator& v, const std::string& identity);
    std::filesystem::path file_;
    std::map<std::string, Entry> entries_;
    bool changed_ = false;
};

}  // namespace keyfence::validate
