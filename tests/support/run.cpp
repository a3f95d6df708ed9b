#include "support/run.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace keyfence::test {
namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TempDir::TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/keyfence-test-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    // Tests chmod some files unreadable; give permissions back so removal works.
    for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
}

fs::path TempDir::write(const std::string& relative, const std::string& content) const {
    const fs::path p = path_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << content;
    return p;
}

RunResult run_shell(const std::string& command) {
    TempDir io;
    const fs::path out = io.path() / "out", err = io.path() / "err";
    // stdin is /dev/null unless the command redirects it: git repack and friends read revisions from it.
    const std::string full = "(" + command + ") </dev/null >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string());
    const int status = std::system(full.c_str());
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_text(out);
    r.err = read_text(err);
    struct rusage usage {};
    if (::getrusage(RUSAGE_CHILDREN, &usage) == 0) r.children_max_rss_kb = usage.ru_maxrss;
    return r;
}

RunResult run_keyfence(const std::vector<std::string>& args, const std::string& stdin_data, const fs::path& cwd) {
    // Keep the rule database cache of test runs out of the user's ~/.cache.
    static TempDir cache;
    ::setenv("KEYFENCE_CACHE_DIR", cache.path().c_str(), 0);
    TempDir io;
    const fs::path in = io.write("stdin", stdin_data);
    std::string cmd;
    if (!cwd.empty()) cmd += "cd " + shell_quote(cwd.string()) + " && ";
    cmd += shell_quote(KEYFENCE_BIN);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    cmd += " <" + shell_quote(in.string());
    return run_shell(cmd);
}

}  // namespace keyfence::test
