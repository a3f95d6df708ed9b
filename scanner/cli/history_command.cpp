// keyfence history [REPO] [REVISION-RANGE...]: the full-history audit and the CI range gate.
//
// For a range (A..B, or revisions with a ^A exclusion) the gate's own config — .keyfence.toml, the
// files it extends, .keyfenceignore — is read as committed at the base A, from the object database:
// the head B is what is under review, and a pull request must not be able to switch its own gate off.
// What the range changes in that config is reported (every format), and fails the run with --strict-config.
#include <fmt/format.h>

#include <iostream>

#include "cli/common.hpp"
#include "core/stop.hpp"
#include "cli/report_session.hpp"
#include "core/git_handles.hpp"
#include "match/database_cache.hpp"
#include "report/reporter.hpp"
#include "source/git/history_source.hpp"

namespace keyfence::cli {
namespace {

constexpr const char* kRuleFile = ".keyfence.toml";
constexpr const char* kIgnoreFile = ".keyfenceignore";

// The trusted base and the head under review of a revision range.
struct RangeEnds {
    git_oid base;  // "A" of A..B; for several ^X, the first one
    git_oid head;  // "B" of A..B; the first included tip
};

git_oid commit_of(git_repository* repo, const std::string& rev, const std::string& what) {
    git_object* obj = nullptr;
    check_git(git_revparse_single(&obj, repo, ((rev.empty() ? std::string("HEAD") : rev) + "^{commit}").c_str()), "bad revision '" + what + "'");
    GitObject holder(obj);
    return *git_object_id(obj);
}

// The same reading of revisions as HistorySource; nullopt when nothing is excluded (a full audit).
std::optional<RangeEnds> range_ends(git_repository* repo, const std::vector<std::string>& revisions) {
    std::optional<git_oid> base, head;
    for (const std::string& rev : revisions) {
        if (const std::size_t dots = rev.find(".."); dots != std::string::npos) {
            if (!base) base = commit_of(repo, rev.substr(0, dots), rev);
            if (!head) head = commit_of(repo, rev.substr(dots + 2), rev);
        } else if (!rev.empty() && rev[0] == '^') {
            if (!base) base = commit_of(repo, rev.substr(1), rev);
        } else if (!head) {
            head = commit_of(repo, rev, rev);
        }
    }
    if (!base) return std::nullopt;
    return RangeEnds{*base, head ? *head : commit_of(repo, "HEAD", "HEAD")};
}

// "dir" + "path" inside a tree, '/'-separated, with "." and ".." resolved; never outside the tree.
std::string tree_join(const std::string& dir, const std::string& path, const std::string& commit) {
    if (!path.empty() && path[0] == '/')
        throw Error(fmt::format("{}:{}: [extend] path '{}' is absolute; a committed config can only extend files committed with it", commit,
                                kRuleFile, path));
    std::vector<std::string> parts;
    const std::string joined = dir.empty() ? path : dir + "/" + path;
    for (std::size_t pos = 0; pos <= joined.size();) {
        std::size_t slash = joined.find('/', pos);
        if (slash == std::string::npos) slash = joined.size();
        const std::string part = joined.substr(pos, slash - pos);
        pos = slash + 1;
        if (part.empty() || part == ".") continue;
        if (part != "..") parts.push_back(part);
        else if (parts.empty()) throw Error(fmt::format("{}: [extend] path '{}' leaves the repository", commit, path));
        else parts.pop_back();
    }
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
}

// One commit's tree, and the files of it the gate's config is made of.
class CommitFiles {
public:
    CommitFiles(git_repository* repo, const git_oid& commit) : repo_(repo), id_(oid_hex(commit)) {
        git_commit* c = nullptr;
        check_git(git_commit_lookup(&c, repo, &commit), "reading commit " + id_);
        GitCommit holder(c);
        git_tree* t = nullptr;
        check_git(git_commit_tree(&t, c), "reading the tree of commit " + id_);
        tree_.reset(t);
    }

    const std::string& id() const { return id_; }

    // The blob at path, or nullopt if the commit has none there. A link, a directory or an unreadable
    // blob there is an error: the gate does not guess what its config says.
    std::optional<std::string> read(const std::string& path) const {
        git_tree_entry* raw = nullptr;
        const int rc = git_tree_entry_bypath(&raw, tree_.get(), path.c_str());
        if (rc == GIT_ENOTFOUND) return std::nullopt;
        check_git(rc, fmt::format("looking up {} in commit {}", path, id_));
        std::unique_ptr<git_tree_entry, GitDeleter<git_tree_entry, git_tree_entry_free>> entry(raw);
        const git_filemode_t mode = git_tree_entry_filemode(raw);
        if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)
            throw Error(fmt::format("{} in commit {} is not a regular file (a link or a directory); keyfence reads only committed files as config",
                                    path, id_.substr(0, 12)));
        git_blob* b = nullptr;
        check_git(git_blob_lookup(&b, repo_, git_tree_entry_id(raw)), fmt::format("reading {} in commit {}", path, id_));
        GitBlob blob(b);
        return std::string(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<std::size_t>(git_blob_rawsize(b)));
    }

    // The rules .keyfence.toml says at this commit ([extend] path read from the same tree), or the
    // built-in rules when the commit has no .keyfence.toml.
    rules::RuleSet rules(const std::optional<std::string>& text) const {
        if (!text) return rules::load_builtin_rules();
        const rules::ExtendReader from_tree = [this](const std::string& path, const std::string& dir) {
            const std::string in_tree = tree_join(dir, path, id_.substr(0, 12));
            std::optional<std::string> body = read(in_tree);
            if (!body) throw Error(fmt::format("[extend] path '{}': commit {} has no file {}", path, id_.substr(0, 12), in_tree));
            const std::size_t slash = in_tree.rfind('/');
            return rules::IncludedFile{std::move(*body), name(in_tree), slash == std::string::npos ? "" : in_tree.substr(0, slash)};
        };
        return rules::parse_rule_text_with(*text, name(kRuleFile), "", from_tree);
    }

    std::string name(const std::string& path) const { return id_.substr(0, 12) + ":" + path; }

private:
    git_repository* repo_;
    std::string id_;
    GitTree tree_;
};

// The config at both ends of the range, the rules to scan with and what the range changes.
struct GateConfig {
    std::string base_id;  // the range's base, whose config is trusted
    rules::RuleSet base_rules;
    report::IgnoreList base_ignore;
    report::ConfigChange change;
};

// The commit the head's config is compared with: where the head branched off the base. Then a base
// that moved on (its own config edited since) is not mistaken for a change the range makes.
git_oid fork_point(git_repository* repo, const RangeEnds& range) {
    git_oid out;
    return git_merge_base(&out, repo, &range.base, &range.head) == 0 ? out : range.base;
}

GateConfig gate_config(git_repository* repo, const RangeEnds& range) {
    GateConfig g;
    // The trusted side: an error here fails the run.
    const CommitFiles trusted(repo, range.base);
    g.base_id = trusted.id();
    std::optional<std::string> base_toml = trusted.read(kRuleFile), base_ignore_text = trusted.read(kIgnoreFile);
    g.base_rules = trusted.rules(base_toml);
    g.base_ignore = report::IgnoreList::parse(base_ignore_text.value_or(""));

    // The fork point only serves the comparison: if its config cannot be read, compare with the base's.
    const CommitFiles base(repo, fork_point(repo, range)), head(repo, range.head);
    rules::RuleSet base_rules = g.base_rules;
    std::string compared = base.id();
    if (base.id() != trusted.id()) {
        try {
            std::optional<std::string> toml = base.read(kRuleFile), ignore = base.read(kIgnoreFile);
            base_rules = base.rules(toml);
            base_toml = std::move(toml);
            base_ignore_text = std::move(ignore);
        } catch (const Error&) {
            compared = trusted.id();
        }
    }
    const report::IgnoreList base_ignore = report::IgnoreList::parse(base_ignore_text.value_or(""));

    report::ConfigChange& c = g.change;
    c.base = compared;
    c.head = head.id();
    // The head is what is under review: a config there that does not load is reported, not fatal.
    try {
        const std::optional<std::string> head_toml = head.read(kRuleFile);
        c.rules_file_changed = head_toml != base_toml;
        const rules::Loosening loose = rules::loosening(base_rules, head.rules(head_toml));
        c.added_allowlists = loose.added_allowlists;
        c.disabled_rules = loose.removed_rules;
        c.changed_rules = loose.changed_rules;
        c.rules_file_changed = c.rules_file_changed || !loose.empty();  // also a change in a file it extends
    } catch (const Error& e) {
        c.rules_file_changed = true;
        c.head_error = e.what();
    }
    try {
        const std::optional<std::string> head_ignore = head.read(kIgnoreFile);
        c.ignore_file_changed = head_ignore != base_ignore_text;
        c.added_fingerprints = report::IgnoreList::parse(head_ignore.value_or("")).added_since(base_ignore);
    } catch (const Error& e) {
        c.ignore_file_changed = true;
        c.added_fingerprints.push_back(std::string("(unreadable: ") + e.what() + ")");
    }
    return g;
}

std::string join_files(const report::ConfigChange& c) {
    std::string out;
    for (const std::string& f : report::changed_config_files(c)) out += (out.empty() ? "" : ", ") + f;
    return out;
}

}  // namespace

int history_command(const ScanArgs& args) {
    report::check_format(args.format);  // before the walk, which can take a while
    const std::string repo = args.paths.empty() ? "." : args.paths.front();
    source::HistoryOptions hopts;
    if (args.paths.size() > 1) hopts.revisions.assign(args.paths.begin() + 1, args.paths.end());
    hopts.include_unreachable = args.include_unreachable;
    hopts.max_file_size = args.max_file_size;
    hopts.stop = &stop_requested();
    hopts.progress = true;

    // The range's config before the walk, so a broken trusted config fails fast.
    std::optional<GateConfig> gate;
    {
        GitRepository git = open_repository(repo);
        if (const std::optional<RangeEnds> range = range_ends(git.get(), hopts.revisions)) gate = gate_config(git.get(), *range);
    }
    if (!gate && args.strict_config) std::cerr << "warning: --strict-config has no effect without a revision range (A..B or ^A)\n";

    source::HistorySource history(repo, hopts);
    const std::optional<std::filesystem::path> root = history.root();
    ReportSession session(args, root);
    rules::RuleSet rules;
    if (gate && !args.common.config && !args.config_from_head) {
        rules = std::move(gate->base_rules);
        for (const std::string& w : rules.warnings) std::cerr << "warning: " << w << "\n";
    } else {
        rules = load_rules(args.common, root);  // --config FILE wins; --config-from-head or no range: the work tree
    }
    if (gate && !args.config_from_head) session.set_ignore_list(std::move(gate->base_ignore));
    if (gate) {
        report::ConfigChange& c = gate->change;
        c.rules_from = args.common.config ? "--config " + *args.common.config
                       : args.config_from_head ? "the work tree (--config-from-head)"
                                               : fmt::format("{} and {} as committed at the base {}", kRuleFile, kIgnoreFile, gate->base_id.substr(0, 12));
        c.fails_gate = args.strict_config && c.changed();
        if (c.changed()) {
            for (const std::string& line : report::config_change_lines(c)) std::cerr << "warning: " << line << "\n";
            session.set_config_change(c);
        }
    }
    scan::Engine engine(std::move(rules), match::default_cache_dir());

    scan::ScanOptions sopts;
    sopts.threads = args.threads;
    sopts.progress = true;
    sopts.stop = hopts.stop;
    scan::ScanResult result = scan::run_scan(engine, history, sopts);
    std::cerr << fmt::format("keyfence: {} commits walked, {} unique blobs\n", history.commit_count(), history.job_count());
    int code = session.finish(result);
    if (gate && gate->change.fails_gate) {
        std::cerr << fmt::format("error: --strict-config: this range changes the gate's own config ({}); review that change on its own, "
                                 "merged separately, before this range can pass\n",
                                 join_files(gate->change));
        if (code == static_cast<int>(ExitCode::kClean)) code = static_cast<int>(ExitCode::kFindings);
    }
    return code;
}

}  // namespace keyfence::cli
