// End-to-end: `cmake --install` puts a working binary, its manual page, its completions and the
// licence where packagers and shells look for them, and the generated docs match the command line.
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>
#include <set>

#include "support/run.hpp"

using namespace keyfence::test;
namespace fs = std::filesystem;

namespace {

struct Installed {
    TempDir dir;
    fs::path prefix = dir.path() / "prefix";
    Installed() {
        const auto r = run_shell("cmake --install " + shell_quote(KEYFENCE_BUILD_DIR) + " --prefix " + shell_quote(prefix.string()));
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    std::string path(const std::string& rel) const { return (prefix / rel).string(); }
};

bool have(const std::string& tool) { return run_shell("command -v " + tool + " >/dev/null").exit_code == 0; }

// Every --long option a command's --help lists.
std::set<std::string> long_options(const std::string& help) {
    std::set<std::string> out;
    const std::regex re("--[a-z][a-z-]+");
    for (auto it = std::sregex_iterator(help.begin(), help.end(), re); it != std::sregex_iterator(); ++it) out.insert(it->str());
    return out;
}

}  // namespace

TEST_CASE("cmake --install: the binary runs and names its commit and libraries; the licence is there") {
    Installed in;
    const auto v = run_shell(shell_quote(in.path("bin/keyfence")) + " --version");
    CHECK(v.exit_code == 0);
    CHECK(v.out.find("keyfence " KEYFENCE_VERSION_STRING " (commit ") == 0);
    for (const char* lib : {"\nHyperscan ", "\nlibgit2 ", "\nRE2 "}) CHECK(v.out.find(lib) != std::string::npos);
    CHECK(read_text(in.path("share/doc/keyfence/LICENSE")).find("Apache License") != std::string::npos);
}

TEST_CASE("the installed manual page renders with man and documents every command, option, exit code, file and variable") {
    Installed in;
    REQUIRE(have("man"));
    const auto page = run_shell("MANWIDTH=200 man -P cat -l " + shell_quote(in.path("share/man/man1/keyfence.1.gz")) + " 2>&1");
    REQUIRE(page.exit_code == 0);
    for (const char* command : {"keyfence scan", "keyfence staged", "keyfence history", "keyfence hook install", "keyfence hook uninstall",
                                "keyfence rules list", "keyfence rules check", "keyfence completion"})
        CHECK_MESSAGE(page.out.find(command) != std::string::npos, command);
    for (const char* section : {"EXIT STATUS", "FILES", "ENVIRONMENT", ".keyfence.toml", ".keyfenceignore", "KEYFENCE_CACHE_DIR", "NO_COLOR"})
        CHECK_MESSAGE(page.out.find(section) != std::string::npos, section);
    // Generated from the parser: every option --help shows is on the page.
    for (const char* command : {"scan", "staged", "history"})
        for (const std::string& option : long_options(run_keyfence({command, "--help"}).out))
            CHECK_MESSAGE(page.out.find(option) != std::string::npos, command << " " << option);
}

TEST_CASE("the installed completions load in bash, zsh and fish and complete subcommands and options") {
    Installed in;
    const std::string bash = in.path("share/bash-completion/completions/keyfence");
    auto bash_complete = [&](const std::string& words) {
        return run_shell("bash -c 'source " + bash + "; COMP_WORDS=(" + words + "); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _keyfence; echo \"${COMPREPLY[*]}\"'").out;
    };
    CHECK(run_shell("bash -c 'source " + bash + "; complete -p keyfence'").out.find("_keyfence") != std::string::npos);
    CHECK(bash_complete("keyfence hist") == "history\n");
    CHECK(bash_complete("keyfence history --stri") == "--strict-config\n");
    CHECK(bash_complete("keyfence hook ins") == "install\n");
    REQUIRE(have("zsh"));  // the Makefile installs zsh and fish for this test
    // +X loads the file now: a plain autoload only registers the name, and passes for a missing file.
    CHECK(run_shell("zsh -fc 'fpath=(" + in.path("share/zsh/site-functions") + " $fpath); autoload -Uz +X _keyfence && whence -w _keyfence'")
              .out == "_keyfence: function\n");
    REQUIRE(have("fish"));
    {
        const auto f = run_shell("fish -c 'source " + in.path("share/fish/vendor_completions.d/keyfence.fish") + "; complete -C\"keyfence history --stri\"'");
        CHECK(f.out.find("--strict-config") != std::string::npos);
    }
}

TEST_CASE("make package's CPack step: a lintian-clean .deb that installs a working binary, a tarball, a .sha256 beside each") {
    // make test installs what this needs (the Makefile's DEPS): missing is a failure, not a skip.
    REQUIRE_MESSAGE(run_shell("command -v dpkg-deb >/dev/null && command -v lintian >/dev/null && command -v dpkg-shlibdeps >/dev/null").exit_code == 0, "dpkg-dev or lintian is not installed");
    TempDir out;
    const std::string dir = out.path().string();
    const auto made = run_shell("cpack --config " + shell_quote(std::string(KEYFENCE_BUILD_DIR) + "/CPackConfig.cmake") + " -G 'DEB;TGZ' -B " + shell_quote(dir));
    REQUIRE_MESSAGE(made.exit_code == 0, made.out << made.err);
    const std::string deb = dir + "/" KEYFENCE_DEB_NAME;
    const std::string tgz = dir + "/" KEYFENCE_TARBALL_NAME ".tar.gz";
    for (const std::string& f : {deb, tgz}) {
        REQUIRE_MESSAGE(fs::exists(f), f);
        CHECK(run_shell("cd " + shell_quote(dir) + " && sha256sum -c " + shell_quote(fs::path(f).filename().string() + ".sha256")).exit_code == 0);
    }
    // The package's binary runs, and it depends on nothing but what the binary really loads.
    REQUIRE(run_shell("dpkg-deb -x " + shell_quote(deb) + " " + shell_quote(dir + "/root")).exit_code == 0);
    const auto v = run_shell(shell_quote(dir + "/root/usr/bin/keyfence") + " --version");
    CHECK(v.out.find("keyfence " KEYFENCE_VERSION_STRING) == 0);
    CHECK(fs::exists(dir + "/root/usr/share/man/man1/keyfence.1.gz"));
    CHECK(fs::exists(dir + "/root/usr/share/doc/keyfence/copyright"));
    const std::string depends = run_shell("dpkg-deb -f " + shell_quote(deb) + " Depends").out;
    INFO(depends);
    CHECK(depends.find("libc6") != std::string::npos);
    CHECK(depends.find("krb5") == std::string::npos);  // libgit2's Negotiate auth is not linked (cmake/no_gssapi.cpp)
    // apt resolves its dependencies (simulated: the test does not change the machine).
    CHECK(run_shell("cd " + shell_quote(dir) + " && apt-get install -s ./" + fs::path(deb).filename().string() + " >/dev/null 2>&1").exit_code == 0);
    const auto lint = run_shell("lintian --no-tag-display-limit " + shell_quote(deb) + " 2>/dev/null");
    INFO(lint.out);
    CHECK(lint.out.find("E: ") == std::string::npos);
    // The tarball: the binary, the manual page, the completions and the licence under one directory.
    const std::string listing = run_shell("tar -tzf " + shell_quote(tgz)).out;
    for (const char* member : {"/bin/keyfence", "/share/man/man1/keyfence.1.gz", "/share/bash-completion/completions/keyfence",
                               "/share/zsh/site-functions/_keyfence", "/share/fish/vendor_completions.d/keyfence.fish", "/share/doc/keyfence/LICENSE"})
        CHECK_MESSAGE(listing.find(KEYFENCE_TARBALL_NAME + std::string(member)) != std::string::npos, member);
}
