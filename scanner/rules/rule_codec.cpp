#include "rules/rule_codec.hpp"

#include <bit>
#include <cstdint>

#include "core/byte_codec.hpp"

namespace keyfence::rules {
namespace {

constexpr std::string_view kMagic = "KFRULES4";

void put_strings(ByteWriter& w, const std::vector<std::string>& list) {
    w.u32(static_cast<std::uint32_t>(list.size()));
    for (const std::string& s : list) w.bytes(s);
}

bool get_strings(ByteReader& r, std::vector<std::string>& list) {
    std::uint32_t n = 0;
    if (!r.count(n, sizeof(std::uint64_t))) return false;
    list.resize(n);
    for (std::string& s : list)
        if (!r.string(s)) return false;
    return true;
}

void put_allowlist(ByteWriter& w, const Allowlist& a) {
    w.bytes(a.description);
    w.u32(static_cast<std::uint32_t>(a.condition));
    put_strings(w, a.paths);
    put_strings(w, a.regexes);
    w.u32(static_cast<std::uint32_t>(a.regex_target));
    put_strings(w, a.stopwords);
    put_strings(w, a.commits);
    put_strings(w, a.target_rules);
    w.bytes(a.origin);
}

bool get_allowlist(ByteReader& r, Allowlist& a) {
    std::uint32_t condition = 0, target = 0;
    if (!r.string(a.description) || !r.u32(condition) || condition > 1 || !get_strings(r, a.paths) ||
        !get_strings(r, a.regexes) || !r.u32(target) || target > 2 || !get_strings(r, a.stopwords) ||
        !get_strings(r, a.commits) || !get_strings(r, a.target_rules) || !r.string(a.origin))
        return false;
    a.condition = static_cast<Condition>(condition);
    a.regex_target = static_cast<RegexTarget>(target);
    return true;
}

void put_allowlists(ByteWriter& w, const std::vector<Allowlist>& list) {
    w.u32(static_cast<std::uint32_t>(list.size()));
    for (const Allowlist& a : list) put_allowlist(w, a);
}

bool get_allowlists(ByteReader& r, std::vector<Allowlist>& list) {
    std::uint32_t n = 0;
    if (!r.count(n, 16)) return false;
    list.resize(n);
    for (Allowlist& a : list)
        if (!get_allowlist(r, a)) return false;
    return true;
}

void put_rule(ByteWriter& w, const Rule& rule) {
    for (const std::string* s : {&rule.id, &rule.description, &rule.regex, &rule.path, &rule.remediation, &rule.checksum, &rule.origin})
        w.bytes(*s);
    w.u32(rule.secret_group.has_value());
    w.u32(static_cast<std::uint32_t>(rule.secret_group.value_or(0)));
    w.u32(rule.entropy.has_value());
    w.u64(std::bit_cast<std::uint64_t>(rule.entropy.value_or(0.0)));
    for (const auto* list : {&rule.keywords, &rule.tags, &rule.examples, &rule.negatives}) put_strings(w, *list);
    put_allowlists(w, rule.allowlists);
    w.u32(static_cast<std::uint32_t>(rule.required.size()));
    for (const RequiredRule& q : rule.required) {
        w.bytes(q.id);
        for (const std::optional<int>* v : {&q.within_lines, &q.within_columns}) {
            w.u32(v->has_value());
            w.u32(static_cast<std::uint32_t>(v->value_or(0)));
        }
    }
    w.u32(rule.skip_report);
    w.u32(rule.validate.has_value());
    if (const auto& v = rule.validate) {
        for (const std::string* s : {&v->method, &v->url, &v->body, &v->live_field, &v->basic_auth, &v->origin}) w.bytes(*s);
        w.u32(v->aws_sigv4.has_value());
        if (const auto& a = v->aws_sigv4)
            for (const std::string* s : {&a->key_id, &a->region, &a->service}) w.bytes(*s);
        put_strings(w, v->headers);
        for (const auto* list : {&v->live, &v->invalid}) {
            w.u32(static_cast<std::uint32_t>(list->size()));
            for (int s : *list) w.u32(static_cast<std::uint32_t>(s));
        }
    }
}

bool get_rule(ByteReader& r, Rule& rule) {
    for (std::string* s : {&rule.id, &rule.description, &rule.regex, &rule.path, &rule.remediation, &rule.checksum, &rule.origin})
        if (!r.string(*s)) return false;
    std::uint32_t has_group = 0, group = 0, has_entropy = 0;
    std::uint64_t entropy = 0;
    if (!r.u32(has_group) || !r.u32(group) || !r.u32(has_entropy) || !r.u64(entropy)) return false;
    if (has_group) rule.secret_group = static_cast<int>(group);
    if (has_entropy) rule.entropy = std::bit_cast<double>(entropy);
    for (auto* list : {&rule.keywords, &rule.tags, &rule.examples, &rule.negatives})
        if (!get_strings(r, *list)) return false;
    if (!get_allowlists(r, rule.allowlists)) return false;
    std::uint32_t n = 0, skip = 0;
    if (!r.count(n, 20)) return false;
    rule.required.resize(n);
    for (RequiredRule& q : rule.required) {
        if (!r.string(q.id)) return false;
        for (std::optional<int>* v : {&q.within_lines, &q.within_columns}) {
            std::uint32_t has = 0, value = 0;
            if (!r.u32(has) || !r.u32(value) || has > 1 || value > INT32_MAX) return false;
            if (has) *v = static_cast<int>(value);
        }
    }
    if (!r.u32(skip) || skip > 1) return false;
    rule.skip_report = skip != 0;
    std::uint32_t has_validator = 0;
    if (!r.u32(has_validator) || has_validator > 1) return false;
    if (!has_validator) return true;
    Validator& v = rule.validate.emplace();
    for (std::string* s : {&v.method, &v.url, &v.body, &v.live_field, &v.basic_auth, &v.origin})
        if (!r.string(*s)) return false;
    std::uint32_t has_sigv4 = 0;
    if (!r.u32(has_sigv4) || has_sigv4 > 1) return false;
    if (has_sigv4) {
        AwsSigV4& a = v.aws_sigv4.emplace();
        for (std::string* s : {&a.key_id, &a.region, &a.service})
            if (!r.string(*s)) return false;
    }
    if (!get_strings(r, v.headers)) return false;
    for (auto* list : {&v.live, &v.invalid}) {
        std::uint32_t k = 0;
        if (!r.count(k, 4)) return false;
        list->resize(k);
        for (int& s : *list) {
            std::uint32_t value = 0;
            if (!r.u32(value) || value > 999) return false;
            s = static_cast<int>(value);
        }
    }
    return true;
}

}  // namespace

std::string encode_rule_set(const RuleSet& rules) {
    ByteWriter w;
    w.raw(kMagic);
    w.bytes(rules.title);
    w.bytes(rules.source);
    put_strings(w, rules.warnings);
    put_allowlists(w, rules.allowlists);
    w.u32(static_cast<std::uint32_t>(rules.rules.size()));
    for (const Rule& rule : rules.rules) put_rule(w, rule);
    return w.take();
}

std::optional<RuleSet> decode_rule_set(std::string_view bytes) {
    if (!bytes.starts_with(kMagic)) return std::nullopt;
    ByteReader r(bytes.substr(kMagic.size()));
    RuleSet rules;
    std::uint32_t n = 0;
    if (!r.string(rules.title) || !r.string(rules.source) || !get_strings(r, rules.warnings) ||
        !get_allowlists(r, rules.allowlists) || !r.count(n, 64))
        return std::nullopt;
    rules.rules.resize(n);
    for (Rule& rule : rules.rules)
        if (!get_rule(r, rule)) return std::nullopt;
    if (!r.done()) return std::nullopt;
    return rules;
}

}  // namespace keyfence::rules
