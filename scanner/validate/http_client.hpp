#pragma once
// HttpClient: HTTPS requests through libcurl, loaded with dlopen only when --validate asks for it, so the
// scans that never validate (the pre-commit hook above all) neither load nor initialise an HTTP stack.
// Every request: HTTPS only, the certificate and host name verified, redirects never followed, a
// timeout, a proxy from HTTPS_PROXY honoured (libcurl's own rule).
//
// Two settings exist for tests and debugging, read from the environment when the client opens:
//   KEYFENCE_VALIDATE_CONNECT_TO=HOST:PORT:ADDR:PORT[,...]  connect to ADDR:PORT instead, still sending and
//                                 verifying HOST (curl's --connect-to); ADDR must be a loopback address.
//   KEYFENCE_VALIDATE_CA_FILE=PEM  trust this CA as well as the system's.
#include <memory>
#include <string>
#include <vector>

namespace keyfence::validate {

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
    long timeout_ms = 5000;
};

struct HttpResponse {
    long status = 0;          // 0: no HTTP answer (see error)
    std::string error;        // transport failure: DNS, connect, TLS, timeout
    std::string body;         // at most 64 KiB
    std::string retry_after;  // the Retry-After header, if any
    std::string location;     // the Location header of a redirect, if any
};

class HttpClient {
public:
    // Throws keyfence::Error when libcurl cannot be loaded or a setting above is malformed.
    static std::unique_ptr<HttpClient> open();
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Thread-safe: each call uses its own handle.
    HttpResponse send(const HttpRequest& request) const;

    struct Api;  // the libcurl functions, resolved once

private:
    HttpClient() = default;
    std::unique_ptr<Api> api_;
    std::vector<std::string> connect_to_;
    std::string ca_bundle_;  // system CAs plus KEYFENCE_VALIDATE_CA_FILE, when that is set
};

// "HOST:PORT:ADDR:PORT[,...]" split and checked (ADDR loopback); throws keyfence::Error naming the entry.
std::vector<std::string> parse_connect_to(const std::string& spec);

}  // namespace keyfence::validate
