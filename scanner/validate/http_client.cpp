#include "validate/http_client.hpp"

#include <curl/curl.h>
#include <dlfcn.h>
#include <fmt/format.h>

#include <cstdlib>
#include <mutex>

#include "core/error.hpp"
#include "core/file_read.hpp"

namespace keyfence::validate {

struct HttpClient::Api {
    void* lib = nullptr;
    decltype(&curl_global_init) global_init = nullptr;
    decltype(&curl_easy_init) easy_init = nullptr;
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
    decltype(&curl_easy_perform) easy_perform = nullptr;
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
    decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
    decltype(&curl_easy_strerror) easy_strerror = nullptr;
    decltype(&curl_slist_append) slist_append = nullptr;
    decltype(&curl_slist_free_all) slist_free_all = nullptr;
};

namespace {

#if defined(__APPLE__)
constexpr const char* kLibcurlNames[] = {"libcurl.4.dylib", "libcurl.dylib"};
#else
constexpr const char* kLibcurlNames[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so"};
#endif

template <typename Fn>
void resolve(void* lib, const char* name, Fn& out) {
    out = reinterpret_cast<Fn>(::dlsym(lib, name));
    if (!out) throw Error(fmt::format("--validate: libcurl has no {}", name));
}

bool loopback(std::string addr) {
    if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']') addr = addr.substr(1, addr.size() - 2);
    return addr == "::1" || addr == "localhost" || addr.starts_with("127.");
}

struct Slist {
    const HttpClient::Api& api;
    curl_slist* list = nullptr;
    ~Slist() {
        if (list) api.slist_free_all(list);
    }
    void add(const std::string& s) {
        if (curl_slist* next = api.slist_append(list, s.c_str())) list = next;
        else throw std::bad_alloc();
    }
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* body = static_cast<std::string*>(user);
    const std::size_t len = size * n;
    constexpr std::size_t kMaxBody = 64 * 1024;
    if (body->size() < kMaxBody) body->append(data, std::min(len, kMaxBody - body->size()));
    return len;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* r = static_cast<HttpResponse*>(user);
    const std::string_view line(data, size * n);
    auto value_of = [&](std::string_view name) -> std::optional<std::string> {
        if (line.size() <= name.size() || line[name.size()] != ':') return std::nullopt;
        for (std::size_t i = 0; i < name.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return std::nullopt;
        std::string_view v = line.substr(name.size() + 1);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
        return std::string(v);
    };
    if (auto v = value_of("retry-after")) r->retry_after = *v;
    if (auto v = value_of("location")) r->location = *v;
    return size * n;
}

}  // namespace

std::vector<std::string> parse_connect_to(const std::string& spec) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= spec.size()) {
        const std::size_t comma = spec.find(',', start);
        const std::string entry = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!entry.empty()) {
            // HOST:PORT:ADDR:PORT, ADDR possibly [v6]
            const std::size_t c1 = entry.find(':'), c2 = c1 == std::string::npos ? c1 : entry.find(':', c1 + 1);
            const std::size_t c3 = entry.rfind(':');
            if (c2 == std::string::npos || c3 <= c2 || !loopback(entry.substr(c2 + 1, c3 - c2 - 1)))
                throw Error(fmt::format("KEYFENCE_VALIDATE_CONNECT_TO: '{}' is not HOST:PORT:ADDR:PORT with a loopback ADDR", entry));
            out.push_back(entry);
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::unique_ptr<HttpClient> HttpClient::open() {
    std::unique_ptr<HttpClient> c(new HttpClient());
    c->api_ = std::make_unique<Api>();
    Api& a = *c->api_;
    for (const char* name : kLibcurlNames)
        if ((a.lib = ::dlopen(name, RTLD_NOW | RTLD_LOCAL))) break;
    if (!a.lib) throw Error("--validate needs libcurl (Debian: apt install libcurl4), which cannot be loaded");
    resolve(a.lib, "curl_global_init", a.global_init);
    resolve(a.lib, "curl_easy_init", a.easy_init);
    resolve(a.lib, "curl_easy_setopt", a.easy_setopt);
    resolve(a.lib, "curl_easy_perform", a.easy_perform);
    resolve(a.lib, "curl_easy_getinfo", a.easy_getinfo);
    resolve(a.lib, "curl_easy_cleanup", a.easy_cleanup);
    resolve(a.lib, "curl_easy_strerror", a.easy_strerror);
    resolve(a.lib, "curl_slist_append", a.slist_append);
    resolve(a.lib, "curl_slist_free_all", a.slist_free_all);
    if (a.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error("--validate: libcurl failed to initialise");

    if (const char* spec = std::getenv("KEYFENCE_VALIDATE_CONNECT_TO")) c->connect_to_ = parse_connect_to(spec);
    if (const char* ca = std::getenv("KEYFENCE_VALIDATE_CA_FILE"); ca && *ca) {
        const auto extra = read_whole_file(ca);
        if (!extra) throw Error(fmt::format("KEYFENCE_VALIDATE_CA_FILE: cannot read {}", ca));
        // "As well as the system's": libcurl takes one bundle, so it gets both, in memory.
        CURL* probe = a.easy_init();
        char* default_path = nullptr;
        if (probe) a.easy_getinfo(probe, CURLINFO_CAINFO, &default_path);
        if (default_path)
            if (auto system = read_whole_file(default_path)) c->ca_bundle_ = *system + "\n";
        if (probe) a.easy_cleanup(probe);
        c->ca_bundle_ += *extra;
    }
    return c;
}

HttpClient::~HttpClient() = default;  // libcurl stays loaded until exit: its global state is process-wide

HttpResponse HttpClient::send(const HttpRequest& req) const {
    const Api& a = *api_;
    HttpResponse r;
    CURL* h = a.easy_init();
    if (!h) {
        r.error = "libcurl could not make a handle";
        return r;
    }
    Slist headers{a}, connect_to{a};
    for (const std::string& hd : req.headers) headers.add(hd);
    if (!req.body.empty() && req.method == "POST") headers.add("Expect:");  // no 100-continue round trip
    for (const std::string& ct : connect_to_) connect_to.add(ct);
    a.easy_setopt(h, CURLOPT_URL, req.url.c_str());
    a.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
    a.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    a.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    a.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    a.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    a.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    a.easy_setopt(h, CURLOPT_TIMEOUT_MS, req.timeout_ms);
    a.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, req.timeout_ms);
    a.easy_setopt(h, CURLOPT_USERAGENT, "keyfence");
    a.easy_setopt(h, CURLOPT_HTTPHEADER, headers.list);
    if (connect_to.list) a.easy_setopt(h, CURLOPT_CONNECT_TO, connect_to.list);
    curl_blob ca{const_cast<char*>(ca_bundle_.data()), ca_bundle_.size(), CURL_BLOB_NOCOPY};
    if (!ca_bundle_.empty()) a.easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca);
    if (req.method == "POST") {
        a.easy_setopt(h, CURLOPT_POST, 1L);
        a.easy_setopt(h, CURLOPT_POSTFIELDS, req.body.c_str());
        a.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    }
    a.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    a.easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
    a.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    a.easy_setopt(h, CURLOPT_HEADERDATA, &r);
    const CURLcode rc = a.easy_perform(h);
    if (rc != CURLE_OK) r.error = a.easy_strerror(rc);
    else a.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    a.easy_cleanup(h);
    return r;
}

}  // namespace keyfence::validate
