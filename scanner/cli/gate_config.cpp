#include "cli/gate_config.hpp"

#include <fmt/format.h>

#include <memory>

#include "core/error.hpp"
#include "core/git_handles.hpp"
#include "source/git/history_source.hpp"

namespace keyfence::cli {

std::optional<RangeEnds> range_ends(git_repository* repo, const std::vector<std::string>& revisions) {
    const source::RevisionTips tips = source::parse_revisions(repo, revisions);
    if (tips.hide.empty()) return std::nullopt;
    const git_oid head = tips.include.empty() ? source::parse_revisions(repo, {"HEAD"}).include.front() : tips.include.front();
    return RangeEnds{tips.hide.front(), head};
}

namespace {

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

// The commit the head's config is compared with: where the head branched off the base. Then a base
// that moved on (its own config edited since) is not mistaken for a change the range makes.
git_oid fork_point(git_repository* repo, const RangeEnds& range) {
    git_oid out;
    return git_merge_base(&out, repo, &range.base, &range.head) == 0 ? out : range.base;
}

}  // namespace

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


}  // namespace keyfence::cli
