#pragma once
// Reporter: the seam between findings and a report format. One file per format; this file holds the
// registry and how secrets are shown.
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "report/config_change.hpp"

namespace keyfence::report {

enum class SecretDisplay {
    kDefault,   // what the format shows unless told otherwise (see make_reporter)
    kMasked,    // "sk-proj-AbCd…wxyz"
    kFull,      // --show-secrets
    kRedacted,  // --redact: "REDACTED"
    kPartial,   // --redact=N: N% of the secret stays visible, the rest becomes '*'
};

struct SecretStyle {
    SecretDisplay display = SecretDisplay::kDefault;
    unsigned visible_percent = 0;  // for kPartial
};

struct ReportOptions {
    SecretStyle secrets;
    bool color = false;
    std::string tool_version;
    // Set by a range scan whose range changes the gate's config (history A..B); every format reports it.
    std::optional<ConfigChange> config_change;
    bool validated = false;  // --validate ran: formats with a fixed schema (CSV) add their validation columns
};

class Reporter {
public:
    explicit Reporter(ReportOptions options) : options_(std::move(options)) {}
    virtual ~Reporter() = default;
    virtual void write(const std::vector<Finding>& findings, std::ostream& out) const = 0;

protected:
    ReportOptions options_;  // already resolved for the format (see make_reporter)
};

// Names of every format, for --help and errors.
std::string_view known_formats();

// Throws keyfence::Error for an unknown format name, before any scanning work is done.
void check_format(std::string_view format);

// The options with kDefault resolved for this format (what make_reporter gives its reporter).
ReportOptions resolved_options(std::string_view format, ReportOptions options);

// Builds the reporter. kDefault becomes kMasked for formats people read (text, sarif, junit) and kFull for
// machine formats (json, jsonl, csv, filter-repo). filter-repo refuses redaction: it needs the secrets.
std::unique_ptr<Reporter> make_reporter(std::string_view format, ReportOptions options);

// "sk-proj-AbCd…wxyz": the non-secret prefix, a few characters at each end, an ellipsis between.
std::string mask_secret(std::string_view secret);

// The secret as the style says to show it.
std::string shown_secret(std::string_view secret, const SecretStyle& style);

// text with every occurrence of secret replaced by its shown form.
std::string hide_in(std::string_view text, std::string_view secret, const SecretStyle& style);
// text with the finding's secret and those of its required findings (composite rules) hidden.
std::string hide_secrets_in(std::string_view text, const Finding& f, const SecretStyle& style);

}  // namespace keyfence::report
