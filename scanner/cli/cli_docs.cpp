#include "cli/cli_docs.hpp"

#include <fmt/format.h>

#include <vector>

#include "core/error.hpp"

namespace keyfence::cli {
namespace {

// The subcommands --help shows (a hidden one has an empty group).
std::vector<const CLI::App*> visible_subcommands(const CLI::App* app) {
    return app->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
}

// Every visible subcommand, depth first, with its path ("hook install").
struct Command {
    std::string path;
    const CLI::App* app;
};
void collect(const CLI::App* app, const std::string& prefix, std::vector<Command>& out) {
    for (const CLI::App* sub : visible_subcommands(app)) {
        const std::string path = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
        out.push_back({path, sub});
        collect(sub, path, out);
    }
}
std::vector<Command> commands(const CLI::App& app) {
    std::vector<Command> out;
    collect(&app, "", out);
    return out;
}

bool takes_value(const CLI::Option* o) { return o->get_type_size_max() > 0 && o->get_expected_max() > 0; }

std::vector<const CLI::Option*> named_options(const CLI::App* app) {
    std::vector<const CLI::Option*> out;
    for (const CLI::Option* o : app->get_options([](const CLI::Option* o) { return o->nonpositional() && !o->get_group().empty(); }))
        out.push_back(o);
    return out;
}

// roff escapes: a leading '.' or '\'' would be a request, '\\' an escape, '-' a hyphen.
std::string roff(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\') out += "\\e";
        else if (c == '-') out += "\\-";
        else out += c;
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
    return out;
}

std::string option_names(const CLI::Option* o) {
    std::string out;
    for (const std::string& s : o->get_snames()) out += (out.empty() ? "" : ", ") + fmt::format("\\fB\\-{}\\fR", roff(s));
    for (const std::string& l : o->get_lnames()) out += (out.empty() ? "" : ", ") + fmt::format("\\fB\\-\\-{}\\fR", roff(l));
    if (takes_value(o)) out += " \\fI" + roff(o->get_type_name().empty() ? "VALUE" : o->get_type_name()) + "\\fR";
    return out;
}

// What the parser does not hold.
constexpr const char* kExitStatus = R"(.TP
.B 0
Nothing found.
.TP
.B 1
Secrets found (also when some inputs were skipped with a note); for \fBstaged\fR the commit is blocked;
for \fBhistory\fR A..B with \fB\-\-strict\-config\fR, the range changes the gate's own config.
.TP
.B 2
A usage, configuration or I/O error stopped the scan, or a scan stopped early (SIGINT, SIGTERM, SIGHUP or
\fB\-\-timeout\fR) found nothing; for \fBstaged\fR also a staged blob that cannot be read (the commit is
blocked) or its 30 s default deadline.
)";

constexpr const char* kFiles = R"(.TP
.I .keyfence.toml
The rule file at the repository root (gitleaks' format): \fB[extend] useDefault\fR, \fBpath\fR and
\fBdisabledRules\fR, rules and allowlists. For \fBhistory\fR with a range it is read as committed at the
range's base, never from the work tree (see \fB\-\-config\-from\-head\fR).
.TP
.I .keyfenceignore
Fingerprints of findings to ignore, one per line (or \fIfingerprint:path\fR), \fB#\fR comments.
.TP
.I $KEYFENCE_CACHE_DIR, $XDG_CACHE_HOME/keyfence, ~/.cache/keyfence
The compiled rule database cache (the first that is set); safe to delete.
)";

constexpr const char* kEnvironment = R"(.TP
.B KEYFENCE_CACHE_DIR
Where compiled rule databases are cached.
.TP
.B XDG_CACHE_HOME
The cache's parent when \fBKEYFENCE_CACHE_DIR\fR is unset.
.TP
.B NO_COLOR
When set, \fB\-\-color auto\fR never colors.
.TP
.B TMPDIR
Not used: report files are written next to their destination, mode 0600, and renamed into place.
)";

}  // namespace

std::string man_page(const CLI::App& app, const std::string& version) {
    std::string out = fmt::format(".TH KEYFENCE 1 \"\" \"keyfence {}\" \"User Commands\"\n", roff(version));
    out += ".SH NAME\nkeyfence \\- " + roff(app.get_description().substr(app.get_description().find(": ") + 2)) + "\n";
    out += ".SH SYNOPSIS\n";
    const std::vector<Command> cmds = commands(app);
    for (const Command& c : cmds)
        if (visible_subcommands(c.app).empty())
            out += fmt::format(".br\n\\fBkeyfence {}\\fR [\\fIOPTIONS\\fR]\n", roff(c.path));
    out += ".SH DESCRIPTION\nkeyfence scans files, the staged changes of a git repository and its whole history for API keys "
           "and other secrets, with one Hyperscan pass over rules written in TOML, and exits non\\-zero when it finds one, so a "
           "pre\\-commit hook, a pre\\-push hook or a CI job can block the leak.\n";
    out += ".SH COMMANDS\n";
    for (const Command& c : cmds) {
        out += fmt::format(".SS \"keyfence {}\"\n{}\n", roff(c.path), roff(c.app->get_description()));
        for (const CLI::Option* p : c.app->get_options([](const CLI::Option* o) { return !o->nonpositional(); }))
            out += fmt::format(".TP\n\\fI{}\\fR\n{}\n", roff(p->get_name()), roff(p->get_description()));
        for (const CLI::Option* o : named_options(c.app)) {
            std::string desc = o->get_description();
            if (const std::string d = o->get_default_str(); !d.empty()) desc += " (default: " + d + ")";
            out += fmt::format(".TP\n{}\n{}\n", option_names(o), roff(desc));
        }
    }
    out += ".SH EXIT STATUS\n";
    out += kExitStatus;
    out += ".SH FILES\n";
    out += kFiles;
    out += ".SH ENVIRONMENT\n";
    out += kEnvironment;
    out += ".SH SEE ALSO\n\\fBgit\\fR(1), \\fBgit\\-filter\\-repo\\fR(1), \\fBgithooks\\fR(5)\n";
    return out;
}

namespace {

// The shells' scripts track the subcommand path word by word: "$path $word" is matched against
// "PARENT NAME" (" scan" at the top level) to step into a subcommand.
std::string step_key(const std::string& path) { return path.find(' ') == std::string::npos ? " " + path : path; }

std::string fish_quoted(std::string_view text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("\\'") : std::string(1, c);
    return out + "'";
}

}  // namespace

std::string completion_script(const CLI::App& app, const std::string& shell) {
    const std::vector<Command> cmds = commands(app);
    auto words_of = [](const CLI::App* a) {
        std::string w;
        for (const CLI::App* s : visible_subcommands(a)) w += (w.empty() ? "" : " ") + s->get_name();
        for (const CLI::Option* o : named_options(a))
            for (const std::string& l : o->get_lnames()) w += (w.empty() ? "" : " ") + ("--" + l);
        return w;
    };
    if (shell == "bash") {
        std::string out = "# bash completion for keyfence (generated by `keyfence completion bash`)\n_keyfence() {\n"
                          "    local cur=${COMP_WORDS[COMP_CWORD]} path=\"\" w\n"
                          "    for w in \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"; do\n"
                          "        case \"$path $w\" in\n";
        for (const Command& c : cmds) out += fmt::format("            \"{}\") path=\"{}\" ;;\n", step_key(c.path), c.path);
        out += "        esac\n    done\n    local words\n    case \"$path\" in\n";
        out += fmt::format("        \"\") words=\"{}\" ;;\n", words_of(&app));
        for (const Command& c : cmds) out += fmt::format("        \"{}\") words=\"{}\" ;;\n", c.path, words_of(c.app));
        out += "    esac\n    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
               "    [ ${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=($(compgen -f -- \"$cur\"))\n}\ncomplete -F _keyfence keyfence\n";
        return out;
    }
    if (shell == "zsh") {
        std::string out = "#compdef keyfence\n# zsh completion for keyfence (generated by `keyfence completion zsh`)\n_keyfence() {\n"
                          "    local path=\"\" w\n    for w in ${words[2,CURRENT-1]}; do\n        case \"$path $w\" in\n";
        for (const Command& c : cmds) out += fmt::format("            \"{}\") path=\"{}\" ;;\n", step_key(c.path), c.path);
        out += "        esac\n    done\n    local -a choices\n    case \"$path\" in\n";
        out += fmt::format("        \"\") choices=({}) ;;\n", words_of(&app));
        for (const Command& c : cmds) out += fmt::format("        \"{}\") choices=({}) ;;\n", c.path, words_of(c.app));
        out += "    esac\n    _describe 'keyfence' choices || _files\n}\n_keyfence \"$@\"\n";
        return out;
    }
    if (shell == "fish") {
        std::string out = "# fish completion for keyfence (generated by `keyfence completion fish`)\ncomplete -c keyfence -f\n";
        for (const CLI::App* s : visible_subcommands(&app))
            out += fmt::format("complete -c keyfence -n '__fish_use_subcommand' -a {} -d {}\n", s->get_name(), fish_quoted(s->get_description().substr(0, 60)));
        for (const Command& c : cmds) {
            const std::string cond = fmt::format("__fish_seen_subcommand_from {}", c.path.substr(c.path.rfind(' ') + 1));
            for (const CLI::App* s : visible_subcommands(c.app))
                out += fmt::format("complete -c keyfence -n '{}' -a {}\n", cond, s->get_name());
            for (const CLI::Option* o : named_options(c.app))
                for (const std::string& l : o->get_lnames())
                    out += fmt::format("complete -c keyfence -n '{}' -l {}{}\n", cond, l, takes_value(o) ? " -r" : "");
        }
        return out;
    }
    throw Error(fmt::format("unknown shell '{}' (known: bash, zsh, fish)", shell));
}

}  // namespace keyfence::cli
