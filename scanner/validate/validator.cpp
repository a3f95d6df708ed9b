#include "validate/validator.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <re2/re2.h>

#include "core/text.hpp"
#include "rules/templates.hpp"
#include "validate/aws_sigv4.hpp"

namespace keyfence::validate {
namespace {

std::string base64_encode(std::string_view s) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < s.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, s.size() - i);
        std::uint32_t v = 0;
        for (std::size_t k = 0; k < 3; ++k) v = v << 8 | (k < n ? static_cast<unsigned char>(s[i + k]) : 0u);
        for (std::size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=';
    }
    return out;
}

std::string percent_encode(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else out += fmt::format("%{:02X}", c);
    }
    return out;
}

// Holds a place among the requests in flight to one host.
class HostSlots {
public:
    explicit HostSlots(unsigned per_host) : per_host_(per_host) {}
    void acquire(const std::string& host) {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return busy_[host] < per_host_; });
        ++busy_[host];
    }
    void release(const std::string& host) {
        {
            std::lock_guard lock(mutex_);
            --busy_[host];
        }
        cv_.notify_all();
    }

private:
    unsigned per_host_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::string, unsigned> busy_;
};

struct Job {
    const rules::Validator* validator;
    TemplateValues values;
    Validation result;
};

// What a finding's validator sends besides {{secret}}: the named groups of its rule's regex, matched
// again on the finding's match. Compiled once per rule that needs it.
class GroupReader {
public:
    explicit GroupReader(const rules::RuleSet& rules) {
        for (const rules::Rule& r : rules.rules)
            if (r.validate && !rules::named_groups(r.regex).empty()) regex_source_[r.id] = &r.regex;
    }
    TemplateValues values_of(const Finding& f) {
        TemplateValues values{{"secret", f.secret}};
        const auto src = regex_source_.find(f.rule_id);
        if (src == regex_source_.end()) return values;
        auto& re = compiled_[f.rule_id];
        if (!re) {
            // As the confirmer matched it: bytes (Latin-1), unless the rule uses Unicode classes.
            RE2::Options opts;
            opts.set_log_errors(false);
            if (!uses_unicode_classes(*src->second)) opts.set_encoding(RE2::Options::EncodingLatin1);
            re = std::make_unique<RE2>(*src->second, opts);
        }
        if (!re->ok()) return values;
        const int n = re->NumberOfCapturingGroups() + 1;
        std::vector<re2::StringPiece> groups(static_cast<std::size_t>(n));
        if (!re->Match(f.match, 0, f.match.size(), RE2::UNANCHORED, groups.data(), n)) return values;
        for (const auto& [name, index] : re->NamedCapturingGroups())
            if (const re2::StringPiece g = groups[static_cast<std::size_t>(index)]; g.data() && !g.empty()) values[name] = std::string(g);
        return values;
    }

private:
    std::map<std::string, const std::string*> regex_source_;
    std::map<std::string, std::unique_ptr<RE2>> compiled_;
};

// Why a request is not made at all: a template value the finding lacks (a pair whose companion was not
// captured), or a temporary AWS key id, which STS rejects without its session token whatever the secret.
std::string not_sent_reason(const rules::Validator& v, const TemplateValues& values) {
    std::string all = v.url + v.body + v.basic_auth + (v.aws_sigv4 ? v.aws_sigv4->key_id : std::string());
    for (const std::string& h : v.headers) all += h;
    for (const std::string& name : rules::template_names(all))
        if (!values.contains(name)) return fmt::format("not sent: no {} beside the key", name);
    // A user's rule may capture anything: a line break in a value would write headers of its own.
    for (const auto& [name, value] : values)
        if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
            return fmt::format("not sent: the {} holds a line break or NUL", name);
    if (v.aws_sigv4 && rules::expand(v.aws_sigv4->key_id, values).starts_with("ASIA"))
        return "not sent: a temporary key (ASIA) needs its session token";
    return {};
}

// Dedupe and cache key: the secret and every companion value, never stored as such.
std::string identity_of(const TemplateValues& values) {
    std::string id = values.at("secret");
    for (const auto& [name, value] : values)
        if (name != "secret") id += '\0' + name + '=' + value;
    return id;
}

}  // namespace

HttpRequest request_for(const rules::Validator& v, const TemplateValues& values) {
    HttpRequest r;
    r.method = v.method;
    r.url = rules::expand(v.url, values, [](std::string_view s) { return percent_encode(s); });
    for (const std::string& h : v.headers) r.headers.push_back(rules::expand(h, values));
    if (!v.basic_auth.empty()) r.headers.push_back("Authorization: Basic " + base64_encode(rules::expand(v.basic_auth, values)));
    r.body = rules::expand(v.body, values);
    if (v.aws_sigv4) {
        const std::string key_id = rules::expand(v.aws_sigv4->key_id, values);
        sign_aws_sigv4(r, {key_id, v.aws_sigv4->region, v.aws_sigv4->service}, values.at("secret"), amz_date_now());
    }
    return r;
}

Validation interpret(const rules::Validator& v, const HttpResponse& r) {
    if (r.status == 0) return {"unknown", 0, r.error.empty() ? "no answer" : r.error};
    const auto in = [&](const std::vector<int>& list) { return std::find(list.begin(), list.end(), r.status) != list.end(); };
    if (in(v.live)) {
        if (v.live_field.empty()) return {"live", r.status, fmt::format("HTTP {}", r.status)};
        const auto j = nlohmann::json::parse(r.body, nullptr, false);
        if (j.is_object() && j.contains(v.live_field) && j[v.live_field].is_boolean())
            return j[v.live_field].get<bool>() ? Validation{"live", r.status, fmt::format("HTTP {}, {} true", r.status, v.live_field)}
                                               : Validation{"invalid", r.status, fmt::format("HTTP {}, {} false", r.status, v.live_field)};
        return {"unknown", r.status, fmt::format("HTTP {} without a boolean {}", r.status, v.live_field)};
    }
    if (in(v.invalid)) return {"invalid", r.status, fmt::format("HTTP {}", r.status)};
    if (r.status == 429) return {"unknown", r.status, "rate limited"};
    if (r.status >= 300 && r.status < 400)
        return {"unknown", r.status, fmt::format("redirect{} not followed", r.location.empty() ? "" : " to " + std::string(url_host(r.location)))};
    return {"unknown", r.status, fmt::format("HTTP {}", r.status)};
}

void validate_findings(std::vector<Finding>& findings, const rules::RuleSet& rules, const HttpClient& http, const ValidateOptions& options) {
    std::map<std::string, const rules::Validator*> by_rule;
    for (const rules::Rule& r : rules.rules)
        if (r.validate) by_rule[r.id] = &*r.validate;
    // Distinct (rule, secret and companions); findings point at their job by index.
    GroupReader groups(rules);
    std::map<std::pair<std::string, std::string>, std::size_t> index;
    std::vector<Job> jobs;
    std::vector<std::size_t> job_of(findings.size(), SIZE_MAX);
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        const auto v = by_rule.find(f.rule_id);
        if (v == by_rule.end() || f.secret.empty()) continue;
        TemplateValues values = groups.values_of(f);
        auto [it, fresh] = index.emplace(std::pair{f.rule_id, identity_of(values)}, jobs.size());
        if (fresh) jobs.push_back({v->second, std::move(values), {}});
        job_of[i] = it->second;
    }
    // Verdicts of the last day need no request.
    std::vector<std::size_t> to_ask;
    for (std::size_t j = 0; j < jobs.size(); ++j) {
        if (std::string why = not_sent_reason(*jobs[j].validator, jobs[j].values); !why.empty())
            jobs[j].result = {"unknown", 0, std::move(why)};
        else if (auto known = options.cache ? options.cache->find(*jobs[j].validator, identity_of(jobs[j].values)) : std::nullopt)
            jobs[j].result = *known;
        else
            to_ask.push_back(j);
    }

    const auto deadline = std::chrono::steady_clock::now() + options.budget;
    HostSlots slots(std::max(1u, options.per_host));
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t n; (n = next.fetch_add(1)) < to_ask.size();) {
            Job& job = jobs[to_ask[n]];
            HttpRequest req = request_for(*job.validator, job.values);
            const std::string host(url_host(req.url));
            slots.acquire(host);
            for (int attempt = 0;; ++attempt) {
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
                if (left.count() <= 0) {
                    job.result = {"unknown", 0, "validation time budget used up"};
                    break;
                }
                req.timeout_ms = static_cast<long>(std::min(options.per_request, left).count());
                const HttpResponse resp = http.send(req);
                job.result = interpret(*job.validator, resp);
                // One retry for a rate limit that says to come back soon.
                if (resp.status != 429 || attempt > 0) break;
                char* end = nullptr;
                const long wait_s = resp.retry_after.empty() ? -1 : std::strtol(resp.retry_after.c_str(), &end, 10);
                if (wait_s < 0 || end == resp.retry_after.c_str() || *end != '\0' ||
                    std::chrono::seconds(wait_s) > options.longest_retry_wait)
                    break;
                std::this_thread::sleep_for(std::chrono::seconds(wait_s));
            }
            slots.release(host);
        }
    };
    const unsigned threads = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, options.in_flight), to_ask.size()));
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
    for (auto& t : pool) t.join();
    if (options.cache) {
        for (std::size_t j : to_ask) options.cache->remember(*jobs[j].validator, identity_of(jobs[j].values), jobs[j].result);
        options.cache->save();
    }

    for (std::size_t i = 0; i < findings.size(); ++i)
        findings[i].validation = job_of[i] == SIZE_MAX ? Validation{"unknown", 0, "no validator for this rule"} : jobs[job_of[i]].result;
}

}  // namespace keyfence::validate
