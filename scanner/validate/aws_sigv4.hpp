#pragma once
// AWS Signature Version 4 for the one call keyfence makes with an AWS key pair: the request is signed
// here with the secret access key, which never travels itself (STS GetCallerIdentity needs no
// permission and changes nothing).
#include <string>
#include <string_view>

#include "validate/http_client.hpp"

namespace keyfence::validate {

struct AwsScope {
    std::string_view key_id;
    std::string_view region;
    std::string_view service;
};

// Adds X-Amz-Date and Authorization to `request` (https://HOST/PATH?QUERY, already percent-encoded),
// signing its method, path, query, host, Content-Type and X-Amz-* headers and body at `amz_date`
// (YYYYMMDDTHHMMSSZ, UTC).
void sign_aws_sigv4(HttpRequest& request, const AwsScope& scope, std::string_view secret, std::string_view amz_date);

// Now, as AWS writes it: 20150830T123600Z.
std::string amz_date_now();

}  // namespace keyfence::validate
