#include "validate/aws_sigv4.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <utility>
#include <vector>

#include "core/digest.hpp"
#include "core/text.hpp"

namespace keyfence::validate {
namespace {

std::string trim(std::string_view s) {
    const std::size_t b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    return std::string(s.substr(b, s.find_last_not_of(" \t") - b + 1));
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view as_text(const Sha256& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

// The query's name=value pairs sorted by name (then value), as SigV4 wants them.
std::string canonical_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> pairs;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view part = query.substr(0, amp);
        const std::size_t eq = part.find('=');
        if (!part.empty()) pairs.emplace_back(part.substr(0, eq), eq == std::string_view::npos ? "" : part.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    std::sort(pairs.begin(), pairs.end());
    std::string out;
    for (const auto& [k, v] : pairs) out += (out.empty() ? "" : "&") + k + "=" + v;
    return out;
}

}  // namespace

void sign_aws_sigv4(HttpRequest& request, const AwsScope& scope, std::string_view secret, std::string_view amz_date) {
    const std::string_view url = request.url;
    const std::string_view host = url_host(url);
    std::string_view rest = url.substr(url.find(host) + host.size());
    const std::size_t q = rest.find('?');
    const std::string_view path = rest.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? std::string_view{} : rest.substr(q + 1);

    request.headers.push_back(fmt::format("X-Amz-Date: {}", amz_date));
    // Signed: host, and every Content-Type and X-Amz-* header the request carries.
    std::vector<std::pair<std::string, std::string>> signed_headers{{"host", std::string(host)}};
    for (const std::string& h : request.headers) {
        const std::size_t colon = h.find(':');
        const std::string name = lower(trim(std::string_view(h).substr(0, colon)));
        if (name == "content-type" || name.starts_with("x-amz-")) signed_headers.emplace_back(name, trim(std::string_view(h).substr(colon + 1)));
    }
    std::sort(signed_headers.begin(), signed_headers.end());
    std::string canonical_headers, names;
    for (const auto& [name, value] : signed_headers) {
        canonical_headers += name + ":" + value + "\n";
        names += (names.empty() ? "" : ";") + name;
    }
    const std::string canonical_request = fmt::format("{}\n{}\n{}\n{}\n{}\n{}", request.method, path.empty() ? "/" : path,
                                                      canonical_query(query), canonical_headers, names, sha256_hex(request.body));
    const std::string_view date = amz_date.substr(0, 8);
    const std::string credential_scope = fmt::format("{}/{}/{}/aws4_request", date, scope.region, scope.service);
    const std::string string_to_sign =
        fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", amz_date, credential_scope, sha256_hex(canonical_request));

    Sha256 key = hmac_sha256("AWS4" + std::string(secret), date);
    for (std::string_view part : {scope.region, scope.service, std::string_view("aws4_request")}) key = hmac_sha256(as_text(key), part);
    const std::string signature = to_hex(hmac_sha256(as_text(key), string_to_sign));
    request.headers.push_back(fmt::format("Authorization: AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}", scope.key_id,
                                          credential_scope, names, signature));
}

std::string amz_date_now() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[20];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &utc);
    return buf;
}

}  // namespace keyfence::validate
