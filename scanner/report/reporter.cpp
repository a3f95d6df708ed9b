#include "report/reporter.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "report/json_reporter.hpp"
#include "report/text_reporter.hpp"

namespace keyfence::report {

void check_format(std::string_view format) {
    if (format != "text" && format != "json") throw Error(fmt::format("unknown --format '{}' (known: text, json)", format));
}

std::unique_ptr<Reporter> make_reporter(std::string_view format, const ReportOptions& options) {
    check_format(format);
    if (format == "json") return std::make_unique<JsonReporter>(options);
    return std::make_unique<TextReporter>(options);
}

std::string mask_secret(std::string_view secret) {
    // Keep a provider prefix such as "sk-proj-" or "ghp_" visible: it says what kind of key this is.
    std::size_t prefix = 0;
    const std::size_t scan = std::min<std::size_t>(secret.size() / 2, 16);
    for (std::size_t i = 0; i < scan; ++i)
        if (secret[i] == '-' || secret[i] == '_') prefix = i + 1;
    const std::size_t rest = secret.size() - prefix;
    const std::size_t keep = std::min<std::size_t>(4, rest / 5);
    if (keep == 0) return std::string(secret.substr(0, prefix)) + "…";
    return std::string(secret.substr(0, prefix + keep)) + "…" + std::string(secret.substr(secret.size() - keep));
}

std::string shown_secret(std::string_view secret, SecretDisplay how) {
    switch (how) {
        case SecretDisplay::kFull: return std::string(secret);
        case SecretDisplay::kRedacted: return "REDACTED";
        case SecretDisplay::kMasked: break;
    }
    return mask_secret(secret);
}

std::string hide_in(std::string_view text, std::string_view secret, SecretDisplay how) {
    if (how == SecretDisplay::kFull || secret.empty()) return std::string(text);
    const std::string shown = shown_secret(secret, how);
    std::string out;
    std::size_t pos = 0;
    for (std::size_t hit; (hit = text.find(secret, pos)) != std::string_view::npos; pos = hit + secret.size())
        out.append(text.substr(pos, hit - pos)).append(shown);
    out.append(text.substr(pos));
    return out;
}

}  // namespace keyfence::report
