#pragma once
// Reporter: the seam between findings and a report format. One file per format.
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"

namespace keyfence::report {

enum class SecretDisplay { kMasked, kFull, kRedacted };

struct ReportOptions {
    SecretDisplay secrets = SecretDisplay::kMasked;
    bool color = false;
};

class Reporter {
public:
    virtual ~Reporter() = default;
    virtual void write(const std::vector<Finding>& findings, std::ostream& out) const = 0;
};

// Throws keyfence::Error for an unknown format name.
std::unique_ptr<Reporter> make_reporter(std::string_view format, const ReportOptions& options);

// Throws the same error make_reporter would, before any scanning work is done.
void check_format(std::string_view format);

// "sk-proj-AbCd…wxyz": the non-secret prefix, a few characters at each end, an ellipsis between.
std::string mask_secret(std::string_view secret);

// The secret as the options say to show it (masked, whole, or "REDACTED").
std::string shown_secret(std::string_view secret, SecretDisplay how);

// text with every occurrence of secret replaced by its shown form.
std::string hide_in(std::string_view text, std::string_view secret, SecretDisplay how);

}  // namespace keyfence::report
