#pragma once
// Live validation (--validate): each distinct key found is sent to the host its rule's [rules.validate]
// names, once, and the answer becomes the finding's status: live (the provider accepted it), invalid
// (rejected: an `invalid` status, or a false `liveField`) or unknown (no validator, network or TLS
// failure, timeout, rate limit, a redirect, any other status). Nothing here runs without --validate.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "rules/rule_set.hpp"
#include "validate/http_client.hpp"
#include "validate/validation_cache.hpp"

namespace keyfence::validate {

struct ValidateOptions {
    std::chrono::milliseconds per_request{5000};
    std::chrono::milliseconds budget{120000};  // for all requests together; the rest become unknown
    unsigned in_flight = 8;                     // requests at once
    unsigned per_host = 2;                      // of those, to one host
    std::chrono::milliseconds longest_retry_wait{3000};  // a 429 is retried once if Retry-After is this short
    ValidationCache* cache = nullptr;                    // optional: a day's verdicts
};

// Sets validation on every finding. One request per distinct (rule, secret), however many files and
// commits hold it.
void validate_findings(std::vector<Finding>& findings, const rules::RuleSet& rules, const HttpClient& http, const ValidateOptions& options);

// {{secret}} and the named groups of the rule's regex a finding captured, by name.
using TemplateValues = std::map<std::string, std::string>;

// The request a validator makes: the templates filled in (percent-encoded in the URL), basicAuth as an
// Authorization header, and an awsSigV4 request signed with values["secret"], which is not sent.
HttpRequest request_for(const rules::Validator& v, const TemplateValues& values);

// How a validator reads an answer.
Validation interpret(const rules::Validator& v, const HttpResponse& r);

}  // namespace keyfence::validate
