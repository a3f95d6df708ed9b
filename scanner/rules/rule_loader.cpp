// Loads rule files: the gitleaks schema (so an existing .gitleaks.toml loads unchanged) plus keyfence's
// keys (examples, negatives, remediation, checksum). Unknown keys are errors naming file and line; keys
// gitleaks knows but keyfence does not use yet are warnings.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <toml++/toml.h>
#include <unordered_set>

#include "core/digest.hpp"
#include "core/error.hpp"
#include "core/file_read.hpp"
#include "core/text.hpp"
#include "rules/rule_set.hpp"
#include "rules/templates.hpp"

namespace keyfence::rules {
namespace {

constexpr int kMaxExtendDepth = 8;

// Where a node sits, as "file:line".
std::string where(const std::string& name, const toml::source_region& src) {
    return fmt::format("{}:{}", name, src.begin.line);
}

class Reader {
public:
    Reader(const std::string& name, std::vector<std::string>& warnings) : name_(name), warnings_(warnings) {}

    // Rejects unknown keys; warns on keys gitleaks has that keyfence ignores.
    void check_keys(const toml::table& tbl, std::initializer_list<std::string_view> known,
                    std::initializer_list<std::string_view> ignored, std::string_view context) const {
        for (auto&& [key, node] : tbl) {
            const std::string_view k = key.str();
            if (std::find(known.begin(), known.end(), k) != known.end()) continue;
            if (std::find(ignored.begin(), ignored.end(), k) != ignored.end()) {
                warnings_.push_back(fmt::format("{}: {} key '{}' is not used by keyfence yet; ignored",
                                                where(name_, key.source()), context, k));
                continue;
            }
            throw Error(fmt::format("{}: unknown {} key '{}'", where(name_, key.source()), context, k));
        }
    }

    std::string string(const toml::table& tbl, std::string_view key) const {
        const toml::node* n = tbl.get(key);
        if (!n) return {};
        if (auto s = n->value<std::string>(); s && n->is_string()) return *s;
        throw Error(fmt::format("{}: '{}' must be a string", where(name_, n->source()), key));
    }

    std::vector<std::string> strings(const toml::table& tbl, std::string_view key) const {
        std::vector<std::string> out;
        const toml::node* n = tbl.get(key);
        if (!n) return out;
        const toml::array* arr = n->as_array();
        if (!arr) throw Error(fmt::format("{}: '{}' must be an array of strings", where(name_, n->source()), key));
        for (const toml::node& item : *arr) {
            if (!item.is_string())
                throw Error(fmt::format("{}: '{}' must be an array of strings", where(name_, item.source()), key));
            out.push_back(*item.value<std::string>());
        }
        return out;
    }

    std::optional<double> number(const toml::table& tbl, std::string_view key) const {
        const toml::node* n = tbl.get(key);
        if (!n) return std::nullopt;
        if (n->is_integer() || n->is_floating_point()) return n->value<double>();
        throw Error(fmt::format("{}: '{}' must be a number", where(name_, n->source()), key));
    }

    std::optional<bool> boolean(const toml::table& tbl, std::string_view key) const {
        const toml::node* n = tbl.get(key);
        if (!n) return std::nullopt;
        if (n->is_boolean()) return n->value<bool>();
        throw Error(fmt::format("{}: '{}' must be true or false", where(name_, n->source()), key));
    }

    Allowlist allowlist(const toml::table& tbl, bool global) const {
        if (global)
            check_keys(tbl, {"description", "condition", "paths", "regexes", "regexTarget", "stopwords", "commits", "targetRules"}, {},
                       "allowlist");
        else
            check_keys(tbl, {"description", "condition", "paths", "regexes", "regexTarget", "stopwords", "commits"}, {},
                       "rule allowlist");
        Allowlist a;
        a.origin = where(name_, tbl.source());
        a.description = string(tbl, "description");
        const std::string cond = to_lower(string(tbl, "condition"));
        if (cond.empty() || cond == "or") a.condition = Condition::kOr;
        else if (cond == "and") a.condition = Condition::kAnd;
        else throw Error(fmt::format("{}: condition must be \"OR\" or \"AND\", not \"{}\"", a.origin, cond));
        a.paths = strings(tbl, "paths");
        a.regexes = strings(tbl, "regexes");
        const std::string target = to_lower(string(tbl, "regexTarget"));
        if (target.empty() || target == "secret") a.regex_target = RegexTarget::kSecret;
        else if (target == "match") a.regex_target = RegexTarget::kMatch;
        else if (target == "line") a.regex_target = RegexTarget::kLine;
        else throw Error(fmt::format("{}: regexTarget must be \"secret\", \"match\" or \"line\", not \"{}\"", a.origin, target));
        for (auto& w : strings(tbl, "stopwords")) a.stopwords.push_back(to_lower(w));
        a.commits = strings(tbl, "commits");
        a.target_rules = strings(tbl, "targetRules");
        return a;
    }

    std::vector<int> statuses(const toml::table& tbl, std::string_view key, std::vector<int> fallback) const {
        const toml::node* n = tbl.get(key);
        if (!n) return fallback;
        const toml::array* arr = n->as_array();
        std::vector<int> out;
        if (arr)
            for (const toml::node& item : *arr)
                if (auto v = item.value<std::int64_t>(); v && item.is_integer() && *v >= 100 && *v <= 599) out.push_back(static_cast<int>(*v));
        if (!arr || out.size() != arr->size())
            throw Error(fmt::format("{}: '{}' must be an array of HTTP statuses (100-599)", where(name_, n->source()), key));
        return out;
    }

    Validator validator(const toml::table& tbl, const Rule& owner) const {
        check_keys(tbl, {"method", "url", "headers", "body", "live", "invalid", "liveField", "basicAuth", "awsSigV4"}, {}, "validate");
        Validator v;
        v.origin = where(name_, tbl.source());
        const auto fail = [&](const std::string& what) { return Error(fmt::format("{}: rule '{}': validate {}", v.origin, owner.id, what)); };
        if (const std::string m = string(tbl, "method"); !m.empty()) v.method = m;
        if (v.method != "GET" && v.method != "POST") throw fail("method must be GET or POST");
        v.url = string(tbl, "url");
        // The rule names the one host a key may go to: fixed, over HTTPS, with no template in it.
        const std::string_view host = url_host(v.url);
        if (!v.url.starts_with("https://") || host.empty() || host.find_first_of("{}@") != std::string_view::npos)
            throw fail(fmt::format("url must be https://HOST/... with a fixed host, not \"{}\"", v.url));
        v.headers = strings(tbl, "headers");
        for (const std::string& h : v.headers)
            if (h.find(':') == std::string::npos || h.find_first_of("\r\n") != std::string::npos)
                throw fail(fmt::format("header must be \"Name: value\", not \"{}\"", h));
        v.body = string(tbl, "body");
        v.live = statuses(tbl, "live", v.live);
        v.invalid = statuses(tbl, "invalid", v.invalid);
        v.live_field = string(tbl, "liveField");
        v.basic_auth = string(tbl, "basicAuth");
        if (!v.basic_auth.empty() && v.basic_auth.find(':') == std::string::npos) throw fail("basicAuth must be \"USER:PASSWORD\"");
        if (const toml::node* n = tbl.get("awsSigV4")) {
            const toml::table* t = n->as_table();
            if (!t) throw fail("awsSigV4 must be a table (keyId, region, service)");
            check_keys(*t, {"keyId", "region", "service"}, {}, "validate.awsSigV4");
            AwsSigV4& a = v.aws_sigv4.emplace();
            a.key_id = string(*t, "keyId");
            if (const std::string r = string(*t, "region"); !r.empty()) a.region = r;
            if (const std::string sv = string(*t, "service"); !sv.empty()) a.service = sv;
            for (const std::string* part : {&a.region, &a.service})
                if (part->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
                    throw fail(fmt::format("awsSigV4 region and service are lowercase names, not \"{}\"", *part));
        }

        // Templates: {{secret}} and the named groups of the rule's regex, nothing else.
        const std::vector<std::string> groups = named_groups(owner.regex);
        std::string sent = v.url + '\n' + v.body + '\n' + v.basic_auth;
        for (const std::string& h : v.headers) sent += '\n' + h;
        for (const std::string& name : template_names(sent + '\n' + (v.aws_sigv4 ? v.aws_sigv4->key_id : std::string())))
            if (name != "secret" && std::find(groups.begin(), groups.end(), name) == groups.end())
                throw fail(fmt::format("template '{{{{{}}}}}' is neither {{{{secret}}}} nor a named group (?P<NAME>...) of the rule's regex", name));
        const bool sends_secret = sent.find("{{secret}}") != std::string::npos;
        if (v.aws_sigv4) {
            // The secret key signs the request; it must never travel in it.
            if (sends_secret) throw fail("with awsSigV4 the secret only signs the request: remove {{secret}} from url, headers, body and basicAuth");
            if (template_names(v.aws_sigv4->key_id).empty()) throw fail("awsSigV4 keyId must name the key id, e.g. {{keyid}}");
        } else if (!sends_secret) {
            // A validator that never sends the secret would call every key live.
            throw fail("never sends {{secret}} (in url, headers, body or basicAuth)");
        }
        return v;
    }

    RequiredRule required(const toml::table& tbl, const Rule& owner) const {
        check_keys(tbl, {"id", "withinLines", "withinColumns"}, {}, "required rule");
        RequiredRule q;
        q.id = string(tbl, "id");
        if (q.id.empty()) throw Error(fmt::format("{}: rule '{}': a required rule has no 'id'", where(name_, tbl.source()), owner.id));
        for (auto [key, field] : {std::pair{"withinLines", &q.within_lines}, std::pair{"withinColumns", &q.within_columns}}) {
            if (auto v = number(tbl, key)) {
                if (*v < 0 || *v != static_cast<int>(*v))
                    throw Error(fmt::format("{}: rule '{}': {} must be a non-negative integer", where(name_, tbl.source()), owner.id, key));
                *field = static_cast<int>(*v);
            }
        }
        return q;
    }

    // Accepts both `[[x]]` (array of tables) and the older single `[x]` table.
    template <typename Fn>
    void each_table(const toml::table& parent, std::string_view key, Fn&& fn) const {
        const toml::node* n = parent.get(key);
        if (!n) return;
        if (const toml::table* t = n->as_table()) {
            fn(*t);
            return;
        }
        const toml::array* arr = n->as_array();
        if (!arr) throw Error(fmt::format("{}: '{}' must be a table or an array of tables", where(name_, n->source()), key));
        for (const toml::node& item : *arr) {
            const toml::table* t = item.as_table();
            if (!t) throw Error(fmt::format("{}: '{}' entries must be tables", where(name_, item.source()), key));
            fn(*t);
        }
    }

    Rule rule(const toml::table& tbl) const {
        check_keys(tbl,
                   {"id", "description", "regex", "secretGroup", "entropy", "keywords", "path", "tags", "allowlists",
                    "allowlist", "required", "skipReport", "validate", "examples", "negatives", "remediation", "checksum"},
                   {}, "rule");
        Rule r;
        r.origin = where(name_, tbl.source());
        r.id = string(tbl, "id");
        if (r.id.empty()) throw Error(fmt::format("{}: rule has no 'id'", r.origin));
        r.description = string(tbl, "description");
        r.regex = string(tbl, "regex");
        r.path = string(tbl, "path");
        if (r.regex.empty() && r.path.empty())
            throw Error(fmt::format("{}: rule '{}' has no 'regex' (nor a 'path' to match files by name)", r.origin, r.id));
        if (auto g = number(tbl, "secretGroup")) {
            if (*g < 0 || *g != static_cast<int>(*g))
                throw Error(fmt::format("{}: rule '{}': secretGroup must be a non-negative integer", r.origin, r.id));
            r.secret_group = static_cast<int>(*g);
        }
        r.entropy = number(tbl, "entropy");
        for (auto& k : strings(tbl, "keywords")) {
            if (k.empty()) throw Error(fmt::format("{}: rule '{}' has an empty keyword", r.origin, r.id));
            r.keywords.push_back(to_lower(k));
        }
        r.tags = strings(tbl, "tags");
        each_table(tbl, "allowlists", [&](const toml::table& t) { r.allowlists.push_back(allowlist(t, false)); });
        each_table(tbl, "allowlist", [&](const toml::table& t) { r.allowlists.push_back(allowlist(t, false)); });
        each_table(tbl, "required", [&](const toml::table& t) { r.required.push_back(required(t, r)); });
        r.skip_report = boolean(tbl, "skipReport").value_or(false);
        if (const toml::node* v = tbl.get("validate")) {
            const toml::table* t = v->as_table();
            if (!t) throw Error(fmt::format("{}: rule '{}': 'validate' must be a table", where(name_, v->source()), r.id));
            r.validate = validator(*t, r);
        }
        r.examples = strings(tbl, "examples");
        r.negatives = strings(tbl, "negatives");
        r.remediation = string(tbl, "remediation");
        r.checksum = string(tbl, "checksum");
        return r;
    }

private:
    const std::string& name_;
    std::vector<std::string>& warnings_;
};

std::string read_file(const std::filesystem::path& file) {
    std::optional<std::string> text = read_whole_file(file);
    if (!text) throw Error(fmt::format("cannot read rule file {}", file.string()));
    return std::move(*text);
}

// Layers `top` over `base`: rules with the same id replace the base's, the rest are appended.
void layer(RuleSet& base, RuleSet&& top) {
    for (Rule& r : top.rules) {
        auto same = std::find_if(base.rules.begin(), base.rules.end(), [&](const Rule& b) { return b.id == r.id; });
        if (same != base.rules.end()) *same = std::move(r);
        else base.rules.push_back(std::move(r));
    }
    for (Allowlist& a : top.allowlists) base.allowlists.push_back(std::move(a));
    for (std::string& w : top.warnings) base.warnings.push_back(std::move(w));
    if (!top.title.empty()) base.title = top.title;
}

// [extend] path on disk: relative to the including file's directory.
IncludedFile read_from_disk(const std::string& path, const std::string& dir) {
    const std::filesystem::path file = std::filesystem::path(path).is_absolute() ? std::filesystem::path(path) : std::filesystem::path(dir) / path;
    return {read_file(file), file.string(), file.parent_path().string()};
}

RuleSet parse_impl(std::string_view text, const std::string& name, const std::string& dir, const ExtendReader& read, int depth) {
    if (depth > kMaxExtendDepth) throw Error(fmt::format("{}: [extend] nests deeper than {} files (a cycle?)", name, kMaxExtendDepth));
    toml::table doc;
    try {
        doc = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        throw Error(fmt::format("{}:{}:{}: invalid TOML: {}", name, e.source().begin.line, e.source().begin.column,
                                e.description()));
    }
    RuleSet own;
    own.source = name;
    Reader rd(name, own.warnings);
    rd.check_keys(doc, {"title", "description", "extend", "rules", "allowlist", "allowlists"}, {"minVersion"}, "top-level");
    own.title = rd.string(doc, "title");

    std::set<std::string> ids;
    rd.each_table(doc, "rules", [&](const toml::table& t) {
        Rule r = rd.rule(t);
        if (!ids.insert(r.id).second) throw Error(fmt::format("{}: duplicate rule id '{}'", r.origin, r.id));
        own.rules.push_back(std::move(r));
    });
    rd.each_table(doc, "allowlist", [&](const toml::table& t) { own.allowlists.push_back(rd.allowlist(t, true)); });
    rd.each_table(doc, "allowlists", [&](const toml::table& t) { own.allowlists.push_back(rd.allowlist(t, true)); });

    const toml::table* ext = doc["extend"].as_table();
    if (!ext) return own;
    rd.check_keys(*ext, {"useDefault", "path", "disabledRules"}, {}, "extend");
    RuleSet merged;
    merged.source = name;
    if (rd.boolean(*ext, "useDefault").value_or(false)) merged = load_builtin_rules();
    if (const std::string p = rd.string(*ext, "path"); !p.empty()) {
        IncludedFile inc = read(p, dir);
        layer(merged, parse_impl(inc.text, inc.name, inc.dir, read, depth + 1));
    }
    const auto disabled = rd.strings(*ext, "disabledRules");
    std::erase_if(merged.rules, [&](const Rule& r) { return std::find(disabled.begin(), disabled.end(), r.id) != disabled.end(); });
    layer(merged, std::move(own));
    merged.source = name;
    return merged;
}

}  // namespace

std::string RuleSet::digest() const {
    // Only what the Hyperscan database is built from: ids, regexes and keywords, in order.
    std::string canon;
    for (const Rule& r : rules) {
        canon += r.id + '\0' + r.regex + '\0';
        for (const auto& k : r.keywords) canon += k + '\x01';
        canon += '\n';
    }
    return sha256_hex(canon);
}

RuleSet parse_rule_text(std::string_view text, const std::string& name, const std::filesystem::path& base_dir) {
    return parse_impl(text, name, base_dir.string(), read_from_disk, 0);
}

RuleSet parse_rule_text_with(std::string_view text, const std::string& name, const std::string& dir, const ExtendReader& read) {
    return parse_impl(text, name, dir, read, 0);
}

RuleSet load_rule_file(const std::filesystem::path& file) {
    return parse_impl(read_file(file), file.string(), file.parent_path().string(), read_from_disk, 0);
}

RuleSet resolve_rules(const std::optional<std::filesystem::path>& config, const std::optional<std::filesystem::path>& repo_root) {
    if (config) return load_rule_file(*config);
    if (repo_root) {
        const auto local = *repo_root / ".keyfence.toml";
        std::error_code ec;
        if (std::filesystem::is_regular_file(local, ec)) return load_rule_file(local);
    }
    return load_builtin_rules();
}

namespace {

// Origins ("file:line") say where a definition sits, not what it does: a moved rule is not a changed one.
Allowlist without_origin(Allowlist a) {
    a.origin.clear();
    return a;
}

Rule without_origin(Rule r) {
    r.origin.clear();
    for (Allowlist& a : r.allowlists) a.origin.clear();
    return r;
}

// Allowlists in head that base does not have (by content; one copy in base matches one in head).
std::vector<Allowlist> added(const std::vector<Allowlist>& base, const std::vector<Allowlist>& head) {
    std::vector<Allowlist> left;
    for (const Allowlist& a : base) left.push_back(without_origin(a));
    std::vector<Allowlist> out;
    for (const Allowlist& a : head) {
        auto same = std::find(left.begin(), left.end(), without_origin(a));
        if (same != left.end()) left.erase(same);
        else out.push_back(a);
    }
    return out;
}

std::string list(std::string_view key, const std::vector<std::string>& items) {
    if (items.empty()) return {};
    std::string out = fmt::format(" {}=[", key);
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
    return out + "]";
}

}  // namespace

std::string describe_allowlist(const Allowlist& a) {
    std::string out;
    if (!a.description.empty()) out += fmt::format(" \"{}\"", a.description);
    if (a.condition == Condition::kAnd) out += " condition=AND";
    out += list("paths", a.paths);
    if (!a.regexes.empty()) {
        out += list("regexes", a.regexes);
        if (a.regex_target != RegexTarget::kSecret) out += a.regex_target == RegexTarget::kMatch ? " regexTarget=match" : " regexTarget=line";
    }
    out += list("stopwords", a.stopwords);
    out += list("commits", a.commits);
    out += list("targetRules", a.target_rules);
    if (!a.origin.empty()) out += fmt::format(" ({})", a.origin);
    return out.empty() ? "(empty)" : out.substr(1);
}

Loosening loosening(const RuleSet& base, const RuleSet& head) {
    Loosening out;
    for (const Allowlist& a : added(base.allowlists, head.allowlists)) out.added_allowlists.push_back("global: " + describe_allowlist(a));
    for (const Rule& b : base.rules) {
        auto h = std::find_if(head.rules.begin(), head.rules.end(), [&](const Rule& r) { return r.id == b.id; });
        if (h == head.rules.end()) {
            out.removed_rules.push_back(b.id);
            continue;
        }
        for (const Allowlist& a : added(b.allowlists, h->allowlists))
            out.added_allowlists.push_back(fmt::format("rule {}: {}", b.id, describe_allowlist(a)));
        Rule bb = without_origin(b), hh = without_origin(*h);
        bb.allowlists.clear();  // allowlist changes are listed above
        hh.allowlists.clear();
        if (bb != hh) out.changed_rules.push_back(b.id);
    }
    return out;
}

}  // namespace keyfence::rules
