#include "report/reporter.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "report/csv_reporter.hpp"
#include "report/filter_repo_reporter.hpp"
#include "report/json_reporter.hpp"
#include "report/junit_reporter.hpp"
#include "report/sarif_reporter.hpp"
#include "report/text_reporter.hpp"

namespace keyfence::report {
namespace {

struct Format {
    std::string_view name;
    SecretDisplay default_display;
    std::unique_ptr<Reporter> (*make)(const ReportOptions&);
};

template <typename R>
std::unique_ptr<Reporter> make(const ReportOptions& o) {
    return std::make_unique<R>(o);
}

constexpr Format kFormats[] = {
    {"text", SecretDisplay::kMasked, make<TextReporter>},
    {"json", SecretDisplay::kFull, make<JsonReporter>},
    {"jsonl", SecretDisplay::kFull, make<JsonlReporter>},
    {"csv", SecretDisplay::kFull, make<CsvReporter>},
    {"sarif", SecretDisplay::kMasked, make<SarifReporter>},
    {"junit", SecretDisplay::kMasked, make<JunitReporter>},
    {"filter-repo", SecretDisplay::kFull, make<FilterRepoReporter>},
};

const Format& find_format(std::string_view name) {
    for (const Format& f : kFormats)
        if (f.name == name) return f;
    throw Error(fmt::format("unknown --format '{}' (known: {})", name, known_formats()));
}

}  // namespace

std::string_view known_formats() { return "text, json, jsonl, csv, sarif, junit, filter-repo"; }

void check_format(std::string_view format) { find_format(format); }

ReportOptions resolved_options(std::string_view format, ReportOptions options) {
    const Format& f = find_format(format);
    if (options.secrets.display == SecretDisplay::kDefault) options.secrets.display = f.default_display;
    if (f.name == "filter-repo" && options.secrets.display != SecretDisplay::kFull && options.secrets.display != SecretDisplay::kMasked)
        throw Error("--format filter-repo writes the secrets to replace; it cannot be combined with --redact");
    if (f.name == "filter-repo") options.secrets.display = SecretDisplay::kFull;
    return options;
}

std::unique_ptr<Reporter> make_reporter(std::string_view format, ReportOptions options) {
    return find_format(format).make(resolved_options(format, std::move(options)));
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

std::string shown_secret(std::string_view secret, const SecretStyle& style) {
    switch (style.display) {
        case SecretDisplay::kFull: return std::string(secret);
        case SecretDisplay::kRedacted: return "REDACTED";
        case SecretDisplay::kPartial: {
            // The visible share is split between the start and the end; the middle is starred out.
            const std::size_t visible = secret.size() * std::min(style.visible_percent, 100u) / 100;
            const std::size_t head = (visible + 1) / 2, tail = visible / 2;
            return std::string(secret.substr(0, head)) + std::string(secret.size() - head - tail, '*') +
                   std::string(secret.substr(secret.size() - tail));
        }
        case SecretDisplay::kDefault:
        case SecretDisplay::kMasked: break;
    }
    return mask_secret(secret);
}

std::string hide_in(std::string_view text, std::string_view secret, const SecretStyle& style) {
    if (style.display == SecretDisplay::kFull || secret.empty()) return std::string(text);
    const std::string shown = shown_secret(secret, style);
    std::string out;
    std::size_t pos = 0;
    for (std::size_t hit; (hit = text.find(secret, pos)) != std::string_view::npos; pos = hit + secret.size())
        out.append(text.substr(pos, hit - pos)).append(shown);
    out.append(text.substr(pos));
    return out;
}

std::string hide_secrets_in(std::string_view text, const Finding& f, const SecretStyle& style) {
    std::string out = hide_in(text, f.secret, style);
    for (const RequiredFinding& r : f.required) out = hide_in(out, r.secret, style);
    return out;
}

}  // namespace keyfence::report
