// End-to-end: --validate against a real HTTPS server on 127.0.0.1 (tests/support/https_server.py) whose
// certificate, signed by a test CA made here with openssl, names the providers' hosts. keyfence is pointed
// at it with KEYFENCE_VALIDATE_CONNECT_TO and trusts the CA through KEYFENCE_VALIDATE_CA_FILE.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "support/fake_keys.hpp"
#include "support/git_repo.hpp"
#include "support/run.hpp"

using namespace keyfence::test;
namespace fs = std::filesystem;

namespace {

const char* kHosts[] = {"api.openai.com",   "api.anthropic.com", "api.github.com",    "slack.com",
                        "openrouter.ai",    "sts.amazonaws.com", "api.twilio.com", "api.perplexity.ai"};

// Sets an environment variable for the scope (nullptr: unsets it), restoring the old value after.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) ::setenv(name, value, 1);
        else ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

// A test CA, a certificate for the providers' hosts signed by it, and a self-signed one with the same names.
struct Certificates {
    explicit Certificates(const fs::path& dir) : dir(dir) {
        std::string sans;
        for (const char* h : kHosts) sans += std::string(sans.empty() ? "" : ",") + "DNS:" + h;
        const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        const auto r = run_shell("cd " + shell_quote(dir.string()) + " && openssl req -x509 " + ec +
                                 " -keyout ca.key -out ca.pem -days 2 -subj '/CN=keyfence test CA' 2>/dev/null"
                                 " && openssl req " + ec + " -keyout server.key -out server.csr -subj '/CN=api.openai.com' 2>/dev/null"
                                 " && printf 'subjectAltName=" + sans + "\\nbasicConstraints=CA:FALSE\\n' > ext.cnf"
                                 " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2"
                                 " -extfile ext.cnf 2>/dev/null"
                                 " && openssl req -x509 " + ec + " -keyout rogue.key -out rogue.pem -days 2 -subj '/CN=api.openai.com'"
                                 " -addext 'subjectAltName=" + sans + "' 2>/dev/null");
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    fs::path dir;
};

// The server, running until the object dies.
class Server {
public:
    Server(const fs::path& dir, const std::string& name, const std::string& cert, const std::map<std::string, std::string>& behaviour)
        : log(dir / (name + ".log")) {
        nlohmann::json b = behaviour;
        const fs::path behaviour_file = dir / (name + ".json"), port_file = dir / (name + ".port");
        std::ofstream(behaviour_file) << b.dump();
        std::ofstream(log).flush();
        const auto r = run_shell(fmt::format("python3 {} {} {} {} {} {} >{} 2>&1 & echo $!",
                                             shell_quote(std::string(KEYFENCE_SOURCE_DIR) + "/tests/support/https_server.py"),
                                             shell_quote((dir / (cert + ".pem")).string()), shell_quote((dir / (cert + ".key")).string()),
                                             shell_quote(behaviour_file.string()), shell_quote(log.string()), shell_quote(port_file.string()),
                                             shell_quote((dir / (name + ".out")).string())));
        REQUIRE(r.exit_code == 0);
        pid = std::stoi(r.out);
        for (int i = 0; i < 200 && !fs::exists(port_file); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
        REQUIRE_MESSAGE(fs::exists(port_file), read_text(dir / (name + ".out")));
        port = std::stoi(read_text(port_file));
    }
    ~Server() { ::kill(pid, SIGTERM); }

    // Every request the server saw, one JSON object each.
    std::vector<nlohmann::json> requests() const {
        std::vector<nlohmann::json> out;
        std::istringstream in(read_text(log));
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) out.push_back(nlohmann::json::parse(line));
        return out;
    }
    std::string connect_to() const {
        std::string out;
        for (const char* h : kHosts) out += fmt::format("{}{}:443:127.0.0.1:{}", out.empty() ? "" : ",", h, port);
        return out;
    }

    fs::path log;
    int pid = 0;
    int port = 0;
};

// The environment keyfence sees in these tests: the loopback server, the test CA (next to which the
// test's own cache directory goes), no proxy.
struct ValidationEnv {
    ValidationEnv(const std::string& connect_to, const fs::path& ca)
        : cache_dir((ca.parent_path() / "cache").string()), connect(("KEYFENCE_VALIDATE_CONNECT_TO"), connect_to.c_str()),
          ca_file("KEYFENCE_VALIDATE_CA_FILE", ca.c_str()), cache("KEYFENCE_CACHE_DIR", cache_dir.c_str()) {}
    std::string cache_dir;
    ScopedEnv connect, ca_file, cache;
    ScopedEnv p1{"https_proxy", nullptr}, p2{"HTTPS_PROXY", nullptr}, p3{"all_proxy", nullptr}, p4{"ALL_PROXY", nullptr};
};

std::string slack_bot_token(std::uint64_t seed) {
    return "xoxb-" + random_chars("123456789", 11, seed) + "-" + random_chars("123456789", 13, seed + 1) + "-" +
           random_chars(kBase62, 24, seed + 2);
}

std::map<std::string, nlohmann::json> by_secret(const std::string& json_report) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& f : nlohmann::json::parse(json_report)) out[f["secret"]] = f;
    return out;
}

}  // namespace

TEST_CASE("--validate asks each provider once per distinct key, over verified TLS, and reports live, invalid or unknown") {
    TempDir dir;
    Certificates certs(dir.path());
    const std::string live = openai_project(201), invalid = anthropic_api03(202), forbidden = base62_crc32_token("ghp", 203),
                      slack_no = slack_bot_token(204), retried = openrouter(205), unvalidated = aws_access_key_id(206);
    Server server(dir.path(), "api", "server",
                  {{live, "live"}, {invalid, "invalid"}, {forbidden, "forbidden"}, {slack_no, "slack-false"}, {retried, "rate-limited-once"}});
    dir.write("src/a.env", "OPENAI_API_KEY=" + live + "\nANTHROPIC_API_KEY=" + invalid + "\nGITHUB_TOKEN=" + forbidden + "\n");
    dir.write("src/b.env", "OPENAI_API_KEY=" + live + "\nSLACK_BOT_TOKEN=" + slack_no + "\nOPENROUTER_API_KEY=" + retried +
                               "\nAWS_ACCESS_KEY_ID=" + unvalidated + "\n");
    const std::string src = (dir.path() / "src").string();
    ValidationEnv env(server.connect_to(), dir.path() / "ca.pem");

    SUBCASE("without --validate nothing is sent, and libcurl is not even loaded") {
        CHECK(run_keyfence({"scan", src}).exit_code == 1);
        CHECK(server.requests().empty());
        // The dynamic loader lists every object it maps: libcurl only under --validate.
        const std::string bin = shell_quote(KEYFENCE_BIN);
        auto r = run_shell("LD_DEBUG=files " + bin + " scan " + shell_quote(src) + " 2>&1 >/dev/null");
        CHECK(r.out.find("file=") != std::string::npos);
        CHECK(r.out.find("libcurl") == std::string::npos);
        r = run_shell("LD_DEBUG=files " + bin + " scan --validate " + shell_quote(src) + " 2>&1 >/dev/null");
        CHECK(r.out.find("libcurl") != std::string::npos);
    }
    SUBCASE("statuses in the JSON report and the summary; one request per distinct key") {
        const auto r = run_keyfence({"scan", "--validate", "--format", "json", src});
        CHECK(r.exit_code == 1);
        auto f = by_secret(r.out);
        REQUIRE(f.size() == 6);
        CHECK(f[live]["validation"]["status"] == "live");
        CHECK(f[live]["validation"]["http_status"] == 200);
        CHECK(f[invalid]["validation"]["status"] == "invalid");
        CHECK(f[invalid]["validation"]["http_status"] == 401);
        CHECK(f[forbidden]["validation"]["status"] == "unknown");  // GitHub's 403 is not a rejection of the token
        CHECK(f[slack_no]["validation"]["status"] == "invalid");   // 200 with "ok": false
        CHECK(f[retried]["validation"]["status"] == "live");      // 429 with Retry-After: 1, asked again once
        CHECK(f[unvalidated]["validation"]["detail"] == "no validator for this rule");
        CHECK(r.err.find("validated: 3 live, 2 invalid, 2 unknown") != std::string::npos);
        std::map<std::string, int> asked;
        for (const auto& q : server.requests()) ++asked[q["secret"]];
        CHECK(asked[live] == 1);  // in two files, asked once
        CHECK(asked[retried] == 2);
        CHECK(asked.size() == 5);
        for (const auto& q : server.requests())
            if (q["secret"] == invalid) {
                CHECK(q["host"] == "api.anthropic.com");
                CHECK(q["path"] == "/v1/models");
            }
    }
    SUBCASE("a second run takes the day's verdicts from the cache: 0600, keyed by hashes, no secret in it") {
        REQUIRE(run_keyfence({"scan", "--validate", src}).exit_code == 1);
        const std::size_t asked = server.requests().size();
        const auto r = run_keyfence({"scan", "--validate", "--format", "json", src});
        auto f = by_secret(r.out);
        CHECK(f[live]["validation"]["status"] == "live");
        CHECK(f[live]["validation"]["detail"] == "HTTP 200 (answered within the last day)");
        CHECK(f[invalid]["validation"]["status"] == "invalid");
        // Only the unknown one (GitHub's 403) is asked again.
        CHECK(server.requests().size() == asked + 1);
        const fs::path cache = fs::path(env.cache_dir) / "validation.json";
        REQUIRE(fs::exists(cache));
        CHECK((fs::status(cache).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
        const std::string text = read_text(cache);
        for (const std::string& k : {live, invalid, slack_no, retried}) CHECK(text.find(k) == std::string::npos);
    }
    SUBCASE("--only-live reports only the live key; --fail-on live passes a run whose keys are all dead") {
        auto r = run_keyfence({"scan", "--validate", "--only-live", "--format", "json", src});
        CHECK(r.exit_code == 1);
        auto f = by_secret(r.out);
        REQUIRE(f.size() == 2);  // the live key (in two files) and the one live after a retry
        CHECK(f.count(live) == 1);
        CHECK(f.count(retried) == 1);
        fs::remove(dir.path() / "src/a.env");
        dir.write("src/b.env", "ANTHROPIC_API_KEY=" + invalid + "\n");
        r = run_keyfence({"scan", "--validate", "--fail-on", "live", src});
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("invalid") != std::string::npos);  // still reported, as a warning
    }
    SUBCASE("text puts LIVE first; SARIF makes only live keys errors; CSV gains the validation columns") {
        auto r = run_keyfence({"scan", "--validate", "--color", "never", src});
        CHECK(r.out.find("  LIVE  ") != std::string::npos);
        CHECK(r.out.find("validation: invalid (HTTP 401") != std::string::npos);
        r = run_keyfence({"scan", "--validate", "--format", "sarif", src});
        const auto sarif = nlohmann::json::parse(r.out);
        int errors = 0;
        for (const auto& res : sarif["runs"][0]["results"]) errors += res["level"] == "error";
        CHECK(errors == 3);  // the live key in two files and the one live after a retry
        r = run_keyfence({"scan", "--validate", "--format", "csv", src});
        CHECK(r.out.find("other_places,validation,http_status,validation_detail\r\n") != std::string::npos);
        CHECK(r.out.find(",live,200,HTTP 200") != std::string::npos);
    }
    SUBCASE("--only-live and --fail-on live without --validate are usage errors") {
        CHECK(run_keyfence({"scan", "--only-live", src}).exit_code == 2);
        CHECK(run_keyfence({"scan", "--fail-on", "live", src}).exit_code == 2);
        CHECK(server.requests().empty());
    }
}

TEST_CASE("--validate never calls a key live on a redirect, a wrong certificate, a timeout, a server error or a server that is down") {
    TempDir dir;
    Certificates certs(dir.path());
    const std::string redirected = openai_project(211), slow = anthropic_api03(212), failing = openrouter(213);
    Server server(dir.path(), "api", "server", {{redirected, "redirect"}, {slow, "slow"}, {failing, "error"}});
    const auto file = dir.write("keys.env", "A=" + redirected + "\nB=" + slow + "\nC=" + failing + "\n");

    SUBCASE("a redirect is not followed, a slow answer times out, a 500 is unknown") {
        ValidationEnv env(server.connect_to(), dir.path() / "ca.pem");
        const auto r = run_keyfence({"scan", "--validate", "--validate-timeout", "1s", "--format", "json", file.string()});
        CHECK(r.exit_code == 1);
        auto f = by_secret(r.out);
        CHECK(f[redirected]["validation"]["status"] == "unknown");
        CHECK(f[redirected]["validation"]["detail"] == "redirect to elsewhere.example not followed");
        CHECK(f[slow]["validation"]["status"] == "unknown");
        CHECK(f[slow]["validation"]["http_status"] == 0);
        CHECK(f[failing]["validation"]["detail"] == "HTTP 500");
        CHECK(server.requests().size() == 3);  // nothing went to elsewhere.example
    }
    SUBCASE("a server whose certificate the CA did not sign gets no verdict, and no key") {
        Server rogue(dir.path(), "rogue", "rogue", {{redirected, "live"}, {slow, "live"}, {failing, "live"}});
        ValidationEnv env(rogue.connect_to(), dir.path() / "ca.pem");
        const auto r = run_keyfence({"scan", "--validate", "--format", "json", file.string()});
        for (const auto& [secret, f] : by_secret(r.out)) {
            CHECK(f["validation"]["status"] == "unknown");
            CHECK(f["validation"]["http_status"] == 0);
        }
        CHECK(rogue.requests().empty());  // the TLS handshake failed before any header was sent
    }
    SUBCASE("nothing listening") {
        const int port = server.port;
        ::kill(server.pid, SIGTERM);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        std::string spec;
        for (const char* h : kHosts) spec += fmt::format("{}{}:443:127.0.0.1:{}", spec.empty() ? "" : ",", h, port);
        ValidationEnv env(spec, dir.path() / "ca.pem");
        const auto r = run_keyfence({"scan", "--validate", "--format", "json", file.string()});
        CHECK(r.exit_code == 1);
        for (const auto& [secret, f] : by_secret(r.out)) CHECK(f["validation"]["status"] == "unknown");
    }
    SUBCASE("KEYFENCE_VALIDATE_CONNECT_TO accepts only loopback addresses") {
        ValidationEnv env("api.openai.com:443:10.0.0.1:443", dir.path() / "ca.pem");
        const auto r = run_keyfence({"scan", "--validate", "--format", "json", file.string()});
        CHECK(r.exit_code == 1);  // the findings are still reported
        CHECK(r.err.find("loopback") != std::string::npos);
        for (const auto& [secret, f] : by_secret(r.out)) CHECK(f["validation"]["status"] == "unknown");
    }
}

TEST_CASE("history --validate: a key committed twice and since deleted is asked about once; --fail-on live blocks only on it") {
    TempDir dir;
    Certificates certs(dir.path());
    const std::string live = anthropic_api03(221), dead = openai_project(222);
    Server server(dir.path(), "api", "server", {{live, "live"}, {dead, "invalid"}});
    Repo repo;
    repo.write("app/config.py", "ANTHROPIC_API_KEY = '" + live + "'\n");
    repo.commit("add config");
    repo.write("scripts/run.sh", "export ANTHROPIC_API_KEY=" + live + "\nexport OPENAI_API_KEY=" + dead + "\n");
    repo.commit("add script");
    repo.write("app/config.py", "import os\nANTHROPIC_API_KEY = os.environ['ANTHROPIC_API_KEY']\n");
    repo.write("scripts/run.sh", "echo nothing\n");
    repo.commit("remove the keys");
    ValidationEnv env(server.connect_to(), dir.path() / "ca.pem");
    auto r = run_keyfence({"history", "--validate", "--format", "json", repo.path().string()});
    CHECK(r.exit_code == 1);
    auto f = by_secret(r.out);
    CHECK(f[live]["validation"]["status"] == "live");
    CHECK(f[dead]["validation"]["status"] == "invalid");
    std::map<std::string, int> asked;
    for (const auto& q : server.requests()) ++asked[q["secret"]];
    CHECK(asked[live] == 1);
    CHECK(asked[dead] == 1);
    r = run_keyfence({"history", "--validate", "--fail-on", "live", "--only-live", "--format", "json", repo.path().string()});
    CHECK(r.exit_code == 1);
    f = by_secret(r.out);
    CHECK(f.size() == 1);
    CHECK(f.count(live) == 1);
}

TEST_CASE("pairs: an AWS key id and its secret signed with SigV4 (the secret never sent), a Twilio SID and token as basic auth") {
    TempDir dir;
    Certificates certs(dir.path());
    const std::string aws_live_id = aws_access_key_id(231), aws_live_secret = random_chars(kBase62, 40, 232);
    const std::string aws_wrong_id = aws_access_key_id(233), aws_wrong_secret = random_chars(kBase62, 40, 234);
    const std::string aws_temp_id = "ASIA" + aws_access_key_id(235).substr(4), aws_temp_secret = random_chars(kBase62, 40, 236);
    const std::string sid = "AC" + random_chars("0123456789abcdef", 32, 237), token = random_chars("0123456789abcdef", 32, 238);
    const std::string lone_token = random_chars("0123456789abcdef", 32, 239);
    const std::string pplx = "pplx-" + random_chars(kBase62, 48, 240);
    // The server holds the right secret of both key ids; the second file's secret is not it.
    Server server(dir.path(), "api", "server",
                  {{"aws:" + aws_live_id, aws_live_secret}, {"aws:" + aws_wrong_id, random_chars(kBase62, 40, 241)},
                   {sid + ":" + token, "live"}, {pplx, "live"}});
    dir.write("src/credentials.csv", "User name,Access key ID,Secret access key\nci," + aws_live_id + "," + aws_live_secret + "\n");
    dir.write("src/old.py", "conn = S3Connection(\"" + aws_wrong_id + "\", \"" + aws_wrong_secret + "\")\n");
    dir.write("src/session.js", "new AWS.Credentials('" + aws_temp_id + "', '" + aws_temp_secret + "', sessionToken);\n");
    dir.write("src/sms.py", "client = Client(\"" + sid + "\", \"" + token + "\")\n");
    dir.write("src/.env", "TWILIO_AUTH_TOKEN=" + lone_token + "\nPERPLEXITY_API_KEY=" + pplx + "\n");
    ValidationEnv env(server.connect_to(), dir.path() / "ca.pem");

    const auto r = run_keyfence({"scan", "--validate", "--format", "json", (dir.path() / "src").string()});
    CHECK(r.exit_code == 1);
    auto f = by_secret(r.out);
    INFO(r.out);
    CHECK(f[aws_live_secret]["rule_id"] == "aws-secret-access-key-near-key-id");
    CHECK(f[aws_live_secret]["validation"]["status"] == "live");
    CHECK(f[aws_wrong_secret]["validation"]["status"] == "invalid");  // AWS says SignatureDoesNotMatch: 403
    CHECK(f[aws_wrong_secret]["validation"]["http_status"] == 403);
    CHECK(f[aws_temp_secret]["validation"]["detail"] == "not sent: a temporary key (ASIA) needs its session token");
    CHECK(f[token]["rule_id"] == "twilio-auth-token");
    CHECK(f[token]["validation"]["status"] == "live");
    CHECK(f[lone_token]["validation"]["status"] == "unknown");
    CHECK(f[lone_token]["validation"]["detail"] == "not sent: no sid beside the key");
    CHECK(f[pplx]["validation"]["status"] == "live");

    const auto requests = server.requests();
    CHECK(requests.size() == 4);  // two AWS pairs, one Twilio pair, Perplexity; nothing for the others
    for (const auto& q : requests) {
        const std::string raw = q["raw"];
        // No secret access key travels, in any header or the body: only its signature.
        for (const std::string& secret : {aws_live_secret, aws_wrong_secret, aws_temp_secret}) CHECK(raw.find(secret) == std::string::npos);
        if (q["host"] == "sts.amazonaws.com") {
            CHECK(q["method"] == "POST");
            CHECK(raw.find("Action=GetCallerIdentity&Version=2011-06-15") != std::string::npos);
        }
        if (q["host"] == "api.twilio.com") CHECK(q["path"] == "/2010-04-01/Accounts/" + sid + ".json");
        if (q["host"] == "api.perplexity.ai") CHECK(q["path"] == "/async/chat/completions");
    }
}

TEST_CASE("--validate holds at most 2 requests to one host and 8 in all") {
    TempDir dir;
    Certificates certs(dir.path());
    std::map<std::string, std::string> behaviour;
    std::string env_file;
    for (int i = 0; i < 5; ++i) {
        for (const std::string& key : {openai_project(250 + i), anthropic_api03(260 + i), openrouter(270 + i), "pplx-" + random_chars(kBase62, 48, 280 + i),
                                       base62_crc32_token("ghp", 290 + i)}) {
            behaviour[key] = "held";
            env_file += "KEY_" + std::to_string(behaviour.size()) + "=" + key + "\n";
        }
    }
    Server server(dir.path(), "api", "server", behaviour);
    const auto file = dir.write("keys.env", env_file);
    ValidationEnv env(server.connect_to(), dir.path() / "ca.pem");
    const auto r = run_keyfence({"scan", "--validate", "--format", "json", file.string()});
    CHECK(r.exit_code == 1);
    for (const auto& [secret, f] : by_secret(r.out)) CHECK(f["validation"]["status"] == "live");
    const auto requests = server.requests();
    CHECK(requests.size() == 25);
    int most_host = 0, most = 0;
    for (const auto& q : requests) {
        most_host = std::max(most_host, q["host_in_flight"].get<int>());
        most = std::max(most, q["in_flight"].get<int>());
    }
    CHECK(most_host <= 2);
    CHECK(most <= 8);
}

TEST_CASE("--validate goes through the proxy HTTPS_PROXY names, still verifying the provider's certificate end to end") {
    TempDir dir;
    Certificates certs(dir.path());
    const std::string live = openai_project(300);
    Server server(dir.path(), "api", "server", {{live, "live"}});
    const fs::path proxy_log = dir.path() / "proxy.log", proxy_port = dir.path() / "proxy.port";
    const auto p = run_shell(fmt::format("python3 {} {} {} {} >/dev/null 2>&1 & echo $!",
                                         shell_quote(std::string(KEYFENCE_SOURCE_DIR) + "/tests/support/connect_proxy.py"), server.port,
                                         shell_quote(proxy_log.string()), shell_quote(proxy_port.string())));
    REQUIRE(p.exit_code == 0);
    const int proxy_pid = std::stoi(p.out);
    for (int i = 0; i < 200 && !fs::exists(proxy_port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    REQUIRE(fs::exists(proxy_port));
    const auto file = dir.write("keys.env", "OPENAI_API_KEY=" + live + "\n");
    {
        // No KEYFENCE_VALIDATE_CONNECT_TO: api.openai.com is reached only through the proxy's tunnel.
        ValidationEnv env("", dir.path() / "ca.pem");
        ScopedEnv no_connect("KEYFENCE_VALIDATE_CONNECT_TO", nullptr), no_proxy("NO_PROXY", nullptr), no_proxy_lc("no_proxy", nullptr);
        ScopedEnv proxy("HTTPS_PROXY", ("http://127.0.0.1:" + read_text(proxy_port)).c_str());
        const auto r = run_keyfence({"scan", "--validate", "--format", "json", file.string()});
        CHECK(r.exit_code == 1);
        auto f = by_secret(r.out);
        CHECK(f[live]["validation"]["status"] == "live");
    }
    ::kill(proxy_pid, SIGTERM);
    CHECK(read_text(proxy_log).find("CONNECT api.openai.com:443 ") != std::string::npos);
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0]["host"] == "api.openai.com");
}

TEST_CASE("staged --validate: the pre-commit gate can block only on a live key, and JUnit carries the status") {
    TempDir dir;
    Certificates certs(dir.path());
    const std::string live = anthropic_api03(310), dead = openai_project(311);
    Server server(dir.path(), "api", "server", {{live, "live"}, {dead, "invalid"}});
    Repo repo;
    repo.write("notebook.py", "client = Anthropic(api_key='" + live + "')\n");
    repo.write("old.env", "OPENAI_API_KEY=" + dead + "\n");
    REQUIRE(repo.git("add -A").exit_code == 0);
    ValidationEnv env(server.connect_to(), dir.path() / "ca.pem");
    auto r = run_keyfence({"staged", "--validate", "--format", "junit", repo.path().string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("validation: live (HTTP 200)") != std::string::npos);
    CHECK(r.out.find("validation: invalid (HTTP 401)") != std::string::npos);
    // Unstage the live key: a dead key alone no longer blocks under --fail-on live.
    REQUIRE(repo.git("rm -q --cached notebook.py").exit_code == 0);
    r = run_keyfence({"staged", "--validate", "--fail-on", "live", repo.path().string()});
    CHECK(r.exit_code == 0);
    CHECK(server.requests().size() == 2);  // the second run's verdict came from the day's cache
}

TEST_CASE("a user's validator never sends a captured value holding a line break (it would write headers of its own)") {
    TempDir dir;
    Certificates certs(dir.path());
    Server server(dir.path(), "api", "server", {});
    dir.write("rules.toml", R"([[rules]]
id = 'loose'
description = 'a user rule capturing across a carriage return'
regex = '''tok=([a-z]{3}\r[a-z]{3})'''
[rules.validate]
url = 'https://api.openai.com/v1/models'
headers = ['Authorization: Bearer {{secret}}']
)");
    const auto file = dir.write("k.txt", "tok=abc\rdef\n");
    ValidationEnv env(server.connect_to(), dir.path() / "ca.pem");
    const auto r = run_keyfence({"scan", "--validate", "--config", (dir.path() / "rules.toml").string(), "--format", "json", file.string()});
    CHECK(r.exit_code == 1);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.size() == 1);
    CHECK(j[0]["validation"]["detail"] == "not sent: the secret holds a line break or NUL");
    CHECK(server.requests().empty());
}
