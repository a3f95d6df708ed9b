// End-to-end: the built keyfence binary on temporary files, checking exit codes, reports and notes.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "support/fake_keys.hpp"
#include "support/run.hpp"

using namespace keyfence::test;
namespace fs = std::filesystem;

TEST_CASE("exit 0 on clean input, 1 on findings, with the finding's place in the report") {
    TempDir dir;
    dir.write("clean.py", "print('hello')\n");
    auto r = run_keyfence({"scan", dir.path().string()});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(r.err.find("0 findings") != std::string::npos);

    const std::string key = openai_project();
    dir.write("app/settings.py", "import os\n\nOPENAI_API_KEY = \"" + key + "\"\n");
    r = run_keyfence({"scan", dir.path().string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("app/settings.py:3:19") != std::string::npos);
    CHECK(r.out.find("openai-project-key") != std::string::npos);
    CHECK(r.out.find(key) == std::string::npos);  // masked by default
    CHECK(r.out.find(key.substr(0, 12)) != std::string::npos);
    CHECK(run_keyfence({"scan", "--show-secrets", dir.path().string()}).out.find(key) != std::string::npos);
}

TEST_CASE("standard input is scanned with -") {
    auto r = run_keyfence({"scan", "-"}, "token: " + anthropic_api03() + "\n");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("<stdin>:1:8") != std::string::npos);
    CHECK(r.out.find("anthropic-api-key") != std::string::npos);
    CHECK(run_keyfence({"scan", "-"}, "nothing here\n").exit_code == 0);
}

TEST_CASE("json report to a file: every field, mode 0600, --redact leaves no secret anywhere") {
    TempDir dir;
    const std::string key = base62_crc32_token("ghp", 77);
    dir.write("ci.yml", "env:\n  GH_TOKEN: " + key + "\n");
    const fs::path report = dir.path() / "out" / "report.json";
    fs::create_directories(report.parent_path());
    auto r = run_keyfence({"scan", (dir.path() / "ci.yml").string(), "--format", "json", "--output", report.string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    struct stat st {};
    REQUIRE(::stat(report.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const auto j = nlohmann::json::parse(read_text(report));
    REQUIRE(j.size() == 1);
    CHECK(j[0]["rule_id"] == "github-personal-access-token");
    CHECK(j[0]["secret"] == key);
    CHECK(j[0]["line"] == 2);
    CHECK(j[0]["column"] == 13);
    CHECK(j[0]["fingerprint"].get<std::string>().size() == 32);

    r = run_keyfence({"scan", (dir.path() / "ci.yml").string(), "--format", "json", "--redact"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find(key) == std::string::npos);
    CHECK(r.err.find(key) == std::string::npos);
    CHECK(nlohmann::json::parse(r.out)[0]["secret"] == "REDACTED");
}

TEST_CASE("usage and configuration errors exit 2 with one error line") {
    TempDir dir;
    dir.write("a.txt", "x");
    auto r = run_keyfence({"scan", "--format", "yaml", dir.path().string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("error: unknown --format 'yaml'") != std::string::npos);
    r = run_keyfence({"scan", (dir.path() / "missing").string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no such file") != std::string::npos);
    CHECK(run_keyfence({"scan"}).exit_code == 2);
    CHECK(run_keyfence({"frobnicate"}).exit_code == 2);
    CHECK(run_keyfence({"scan", "--max-file-size", "lots", dir.path().string()}).exit_code == 2);

    const auto bad_toml = dir.write("bad.toml", "[[rules]]\nid = \"x\"\nregex = '''abc\n");
    r = run_keyfence({"scan", "--config", bad_toml.string(), dir.path().string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.toml:3:") != std::string::npos);

    const auto bad_re = dir.write("re.toml", "[[rules]]\nid = \"my-broken-rule\"\nregex = '''key_[a-z'''\n");
    r = run_keyfence({"scan", "--config", bad_re.string(), dir.path().string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("my-broken-rule") != std::string::npos);

    const auto dup = dir.write("dup.toml", "[[rules]]\nid = \"d\"\nregex = 'd_[0-9]{9}'\n[[rules]]\nid = \"d\"\nregex = 'e_[0-9]{9}'\n");
    r = run_keyfence({"scan", "--config", dup.string(), dir.path().string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("duplicate rule id 'd'") != std::string::npos);
}

TEST_CASE(".keyfence.toml at the repository root is picked up; --config wins over it") {
    TempDir dir;
    fs::create_directory(dir.path() / ".git");
    dir.write(".keyfence.toml", "[extend]\nuseDefault = true\n[[rules]]\nid = \"acme-token\"\nregex = '''acme_[a-z0-9]{24}'''\n");
    const std::string acme = "acme_" + random_chars("abcdefghijklmnopqrstuvwxyz0123456789", 24, 8);
    dir.write("src/deep/config.ini", "token=" + acme + "\nopenai=" + openai_legacy() + "\n");
    auto r = run_keyfence({"scan", (dir.path() / "src").string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("acme-token") != std::string::npos);
    CHECK(r.out.find("openai-legacy-api-key") != std::string::npos);  // useDefault keeps built-ins

    const auto only = dir.write("only.toml", "[[rules]]\nid = \"other\"\nregex = '''zzz_[0-9]{12}'''\n");
    r = run_keyfence({"scan", "--config", only.string(), (dir.path() / "src").string()});
    CHECK(r.exit_code == 0);
}

TEST_CASE("awkward inputs: empty, NUL bytes, invalid UTF-8, CRLF, a 1 MB line, binary with an offset") {
    TempDir dir;
    const std::string key = stripe_live_secret();
    dir.write("empty.txt", "");
    dir.write("nul.bin", std::string("\0\0\0 ", 4) + key + std::string(" \0", 2));
    dir.write("latin1.txt", "caf\xe9 \xff\xfe " + openrouter() + "\n");
    dir.write("dos.env", "A=1\r\nKEY=" + openai_legacy() + "\r\n");
    std::string huge(1 << 20, 'x');
    huge.replace(500000, 1, " ");
    dir.write("min.js", huge);
    auto r = run_keyfence({"scan", dir.path().string(), "--format", "json"});
    CHECK(r.exit_code == 1);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.size() == 3);
    CHECK(j[0]["path"].get<std::string>().find("dos.env") != std::string::npos);
    CHECK(j[0]["line"] == 2);
    CHECK(j[1]["path"].get<std::string>().find("latin1.txt") != std::string::npos);
    CHECK(j[2]["binary"] == true);
    CHECK(j[2]["offset"] == 4);
    CHECK(r.err.find("5 inputs") != std::string::npos);
}

TEST_CASE("problems with single files are notes; the scan goes on and still reports findings") {
    TempDir dir;
    dir.write("big.txt", std::string(4096, 'a'));
    dir.write("keys.txt", "k=" + openai_legacy() + "\n");
    fs::create_symlink(dir.path() / "nowhere", dir.path() / "dangling");
    fs::create_directory_symlink(dir.path(), dir.path() / "self");  // a loop, must not hang
    auto r = run_keyfence({"scan", "--max-file-size", "1K", dir.path().string()});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("big.txt: skipped") != std::string::npos);
    CHECK(r.err.find("dangling: broken symlink") != std::string::npos);
    CHECK(r.out.find("keys.txt:1:3") != std::string::npos);
    if (::geteuid() != 0) {  // root reads anything, so permission errors can only be tested unprivileged
        const auto locked = dir.write("locked.txt", "x");
        fs::permissions(locked, fs::perms::none);
        r = run_keyfence({"scan", dir.path().string()});
        CHECK(r.err.find("locked.txt: cannot open") != std::string::npos);
    }
}

TEST_CASE("the report is identical for any thread count") {
    TempDir dir;
    for (int i = 0; i < 40; ++i)
        dir.write("f" + std::to_string(i) + "/x.txt", "a=" + openai_legacy(static_cast<std::uint64_t>(i)) + "\nb=" +
                                                          base62_crc32_token("ghs", static_cast<std::uint64_t>(i)) + "\n");
    const auto one = run_keyfence({"scan", "-j", "1", "--format", "json", dir.path().string()});
    const auto eight = run_keyfence({"scan", "-j", "8", "--format", "json", dir.path().string()});
    CHECK(one.exit_code == 1);
    CHECK(nlohmann::json::parse(one.out).size() == 80);
    CHECK(one.out == eight.out);
}

TEST_CASE("--max-decode-depth: a key hidden under two encodings is found at the default depth, not at 1, and never at 0") {
    TempDir dir;
    const std::string key = base62_crc32_token("ghp", 91);
    std::string escaped;  // the base64 of a netrc line, every byte percent-encoded, as a URL parameter
    for (unsigned char c : base64_encode("machine github.com login x password " + key)) escaped += "%" + fmt::format("{:02X}", c);
    dir.write("callback.txt", "https://ci.example/hook?auth=" + escaped + "\n");
    auto r = run_keyfence({"scan", "--format", "json", dir.path().string()});
    CHECK(r.exit_code == 1);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.size() == 1);
    CHECK(j[0]["secret"] == key);
    CHECK(j[0]["encoding"] == "percent+base64");
    CHECK(j[0]["column"] == 1);  // the encoded span is the whole URL token
    CHECK(run_keyfence({"scan", "--max-decode-depth", "2", dir.path().string()}).exit_code == 1);
    CHECK(run_keyfence({"scan", "--max-decode-depth", "1", dir.path().string()}).exit_code == 0);
    CHECK(run_keyfence({"scan", "--max-decode-depth", "0", dir.path().string()}).exit_code == 0);
    CHECK(run_keyfence({"scan", "--max-decode-depth", "x", dir.path().string()}).exit_code == 2);
}

TEST_CASE("keys in binary files Python writes (.pyc, SQLite, pickle) are found though glued to the bytes around them") {
    TempDir dir;
    const std::vector<std::string> keys = {anthropic_api03(101), openai_project(102), base62_crc32_token("ghp", 103),
                                           aws_access_key_id(104), stripe_live_secret(105), openrouter(106)};
    std::string args;
    for (const std::string& k : keys) args += " " + shell_quote(k);
    // A .pyc stores each string after a type byte and a length byte (108 characters: 'l'); SQLite packs a
    // row's columns end to end ("..._api_keysk-ant-..."); a pickle puts a length byte before each string.
    dir.write("make.py", R"PY(import pickle, py_compile, sqlite3, sys
keys = sys.argv[1:]
with open("settings.py", "w") as f:
    for i, k in enumerate(keys):
        f.write(f"KEY_{i} = {k!r}\n")
py_compile.compile("settings.py", cfile="settings.cpython-311.pyc", doraise=True)
db = sqlite3.connect("app.db")
db.execute("create table creds (name text, value text)")
db.executemany("insert into creds values (?, ?)", [(f"service{i}_api_key", k) for i, k in enumerate(keys)])
db.commit()
db.close()
with open("config.pkl", "wb") as f:
    pickle.dump({f"service{i}_api_key": k for i, k in enumerate(keys)}, f, protocol=4)
)PY");
    const auto made = run_shell("cd " + shell_quote(dir.path().string()) + " && python3 make.py" + args + " && rm make.py settings.py");
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    for (const std::string file : {"settings.cpython-311.pyc", "app.db", "config.pkl"}) {
        CAPTURE(file);
        const auto r = run_keyfence({"scan", "--format", "json", (dir.path() / file).string()});
        CHECK(r.exit_code == 1);
        const auto j = nlohmann::json::parse(r.out);
        std::vector<std::string> found;
        for (const auto& f : j) {
            CHECK(f["binary"] == true);
            found.push_back(f["secret"]);
        }
        // Fixed-length keys come out exact; a variable-length one (OpenAI, Stripe) glued to the next field's
        // letters runs on into them, but is reported where it starts.
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const std::string& k = keys[i];
            const bool fixed_length = i == 0 || i == 2 || i == 3 || i == 5;
            CHECK_MESSAGE(std::any_of(found.begin(), found.end(),
                                      [&](const std::string& s) { return fixed_length ? s == k : s.starts_with(k); }),
                          k);
        }
    }
}

TEST_CASE("in binary content a key's prefix must still stand where the key starts: random bytes and near misses are not findings") {
    TempDir dir;
    std::string blob(1 << 16, '\0');
    std::uint64_t x = 88172645463325252ull;
    for (char& c : blob) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        c = static_cast<char>(x & 0xff);
    }
    // Prefixes with too short a body among the random bytes.
    blob.replace(100, 30, std::string("gsk_") + "abcdefghijklmnopqrstuvwxyz");
    blob.replace(300, 16, std::string("AKIA") + "ABCDEFGH2345");
    blob[316] = '\x01';
    dir.write("random.bin", blob);
    const auto r = run_keyfence({"scan", (dir.path() / "random.bin").string()});
    CHECK_MESSAGE(r.exit_code == 0, r.out);
}
