#pragma once
// Rules as plain data, exactly as the TOML files say them (gitleaks schema plus keyfence's own keys).
// Regexes are compiled elsewhere (match/ for Hyperscan, confirm/ for RE2).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyfence::rules {

enum class Condition { kOr, kAnd };
enum class RegexTarget { kSecret, kMatch, kLine };

struct Allowlist {
    std::string description;
    Condition condition = Condition::kOr;
    std::vector<std::string> paths;    // RE2 regexes on the file path
    std::vector<std::string> regexes;  // RE2 regexes on regex_target
    RegexTarget regex_target = RegexTarget::kSecret;
    std::vector<std::string> stopwords;     // lowercased; a secret containing one is not reported
    std::vector<std::string> commits;       // commit ids (history scans)
    std::vector<std::string> target_rules;  // global allowlists only; empty means every rule
    std::string origin;                     // "file:line", for error messages

    bool operator==(const Allowlist&) const = default;
};

// gitleaks' composite rules ([[rules.required]]): a rule with these reports only where each named rule
// also finds something close enough (see confirm/composite_rules.hpp).
struct RequiredRule {
    std::string id;
    std::optional<int> within_lines;    // at most this many lines above or below
    std::optional<int> within_columns;  // starting at most this many columns left or right

    bool operator==(const RequiredRule&) const = default;
};

// [rules.validate.awsSigV4]: the request is signed with the secret (AWS Signature Version 4), which is
// then never sent itself; key_id is a template naming the access key id (a named group of the rule).
struct AwsSigV4 {
    std::string key_id;
    std::string region = "us-east-1";
    std::string service = "sts";

    bool operator==(const AwsSigV4&) const = default;
};

// How to ask the provider whether a key works ([rules.validate]), used only under --validate. Templates
// ({{secret}}, and {{NAME}} for a named group (?P<NAME>...) of the rule's regex) go in the path, query,
// headers, body and basicAuth; the host is fixed by the rule and must be HTTPS.
struct Validator {
    std::string method = "GET";        // GET or POST
    std::string url;                   // https://host/path?query
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
    std::vector<int> live = {200};            // statuses that mean the key works
    std::vector<int> invalid = {401, 403};    // statuses that mean the provider rejected it
    std::string live_field;  // optional: a JSON boolean at the top of a live answer that must be true (Slack's "ok")
    std::string basic_auth;  // optional: "USER:PASSWORD" template, sent as Authorization: Basic
    std::optional<AwsSigV4> aws_sigv4;
    std::string origin;

    bool operator==(const Validator&) const = default;
};

struct Rule {
    std::string id;
    std::string description;
    std::string regex;  // may be empty for a path-only rule
    std::string path;   // RE2 regex on the file path; empty means any path
    std::optional<int> secret_group;
    std::optional<double> entropy;
    std::vector<std::string> keywords;  // lowercased
    std::vector<std::string> tags;
    std::vector<Allowlist> allowlists;
    std::vector<RequiredRule> required;
    bool skip_report = false;  // found only to serve another rule's `required`, never reported itself
    std::optional<Validator> validate;
    // keyfence's own keys
    std::vector<std::string> examples;   // must produce a finding of this rule
    std::vector<std::string> negatives;  // must not
    std::string remediation;
    std::string checksum;  // name of an offline validity check (see confirm/checks)
    std::string origin;    // "file:line"

    bool operator==(const Rule&) const = default;
};

struct RuleSet {
    std::string title;
    std::vector<Rule> rules;
    std::vector<Allowlist> allowlists;  // global
    std::vector<std::string> warnings;  // non-fatal loader notes (known-but-unused gitleaks keys)
    std::string source;                 // where the rules came from, for messages

    // SHA-256 over everything the compiled matcher depends on; the database cache is keyed by it.
    std::string digest() const;

    bool operator==(const RuleSet&) const = default;
};

// The rules built into the binary from rules/*.toml (parsed at build time; see builtin_rules.hpp).
RuleSet load_builtin_rules();

// Parses one rule file's text. `name` is used in messages; `base_dir` resolves [extend] path.
RuleSet parse_rule_text(std::string_view text, const std::string& name, const std::filesystem::path& base_dir);

// A file named by [extend] path, as a ExtendReader found it.
struct IncludedFile {
    std::string text;
    std::string name;  // for messages
    std::string dir;   // what the reader resolves this file's own [extend] path against
};
// Finds the file `path` names when it appears in a file whose dir is `dir`; throws keyfence::Error.
using ExtendReader = std::function<IncludedFile(const std::string& path, const std::string& dir)>;

// Parses rule text with [extend] path resolved by `read` (e.g. inside a commit's tree, not the disk).
RuleSet parse_rule_text_with(std::string_view text, const std::string& name, const std::string& dir, const ExtendReader& read);

// Loads a rule file, following [extend] (useDefault / path / disabledRules).
RuleSet load_rule_file(const std::filesystem::path& file);

// --config FILE if given; else .keyfence.toml at repo_root if it exists; else the built-in rules.
RuleSet resolve_rules(const std::optional<std::filesystem::path>& config,
                      const std::optional<std::filesystem::path>& repo_root);

// What `head` loosens relative to `base`, so a reviewer sees a change that weakens the gate.
struct Loosening {
    std::vector<std::string> added_allowlists;  // describe_allowlist() of each, "rule ID: " prefixed for rule-level ones
    std::vector<std::string> removed_rules;     // ids in base, absent in head
    std::vector<std::string> changed_rules;     // ids in both whose definition differs (a regex can be weakened too)
    bool empty() const { return added_allowlists.empty() && removed_rules.empty() && changed_rules.empty(); }
};
Loosening loosening(const RuleSet& base, const RuleSet& head);

// One line naming what an allowlist lets through: "paths=[.*] regexes=[...] ...".
std::string describe_allowlist(const Allowlist& a);

}  // namespace keyfence::rules
