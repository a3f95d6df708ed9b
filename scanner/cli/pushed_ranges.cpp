#include "cli/pushed_ranges.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "core/git_handles.hpp"

namespace keyfence::cli {
namespace {

bool is_commit(git_repository* repo, const std::string& rev) {
    git_object* obj = nullptr;
    if (git_revparse_single(&obj, repo, (rev + "^{commit}").c_str()) != 0) return false;
    git_object_free(obj);
    return true;
}

bool all_zero(const std::string& sha) { return !sha.empty() && sha.find_first_not_of('0') == std::string::npos; }

// "^id" for every remote-tracking ref of remote, its HEAD, main or master first.
std::vector<std::string> remote_exclusions(git_repository* repo, const std::string& remote) {
    std::vector<std::string> out;
    const std::string prefix = "refs/remotes/" + remote + "/";
    for (const char* name : {"HEAD", "main", "master"}) {
        git_object* obj = nullptr;
        if (git_revparse_single(&obj, repo, (prefix + name + "^{commit}").c_str()) == 0) {
            out.push_back("^" + oid_hex(*git_object_id(obj)));
            git_object_free(obj);
            break;
        }
    }
    git_reference_iterator* it = nullptr;
    if (git_reference_iterator_glob_new(&it, repo, (prefix + "*").c_str()) != 0) return out;
    git_reference* ref = nullptr;
    while (git_reference_next(&ref, it) == 0) {
        GitReference holder(ref);
        git_object* obj = nullptr;
        if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) != 0) continue;
        const std::string hide = "^" + oid_hex(*git_object_id(obj));
        git_object_free(obj);
        if (std::find(out.begin(), out.end(), hide) == out.end()) out.push_back(hide);
    }
    git_reference_iterator_free(it);
    return out;
}

// One pushed ref: what the remote had (maybe nothing) and what it gets.
void add_update(git_repository* repo, const std::string& remote, const std::string& from, const std::string& to,
                std::vector<std::string>& includes, std::vector<std::string>& hides) {
    if (to.empty() || all_zero(to)) return;  // a deletion adds nothing
    includes.push_back(to);
    if (!from.empty() && !all_zero(from) && is_commit(repo, from)) {
        hides.push_back("^" + from);
    } else {
        for (std::string& h : remote_exclusions(repo, remote)) hides.push_back(std::move(h));
    }
}

}  // namespace

std::vector<std::string> pushed_revisions(git_repository* repo, const std::string& remote, std::istream& updates) {
    std::vector<std::string> includes, hides;
    const char* to = std::getenv("PRE_COMMIT_TO_REF");
    if (to && *to) {
        const char* from = std::getenv("PRE_COMMIT_FROM_REF");
        add_update(repo, remote, from ? from : "", to, includes, hides);
    } else {
        for (std::string line; std::getline(updates, line);) {
            std::istringstream fields(line);
            std::string local_ref, local_sha, remote_ref, remote_sha;
            if (fields >> local_ref >> local_sha >> remote_ref >> remote_sha) add_update(repo, remote, remote_sha, local_sha, includes, hides);
        }
    }
    if (includes.empty()) return {};
    // Exclusions first: the first one is the base whose committed config the gate trusts.
    std::vector<std::string> out = hides;
    out.insert(out.end(), includes.begin(), includes.end());
    return out;
}

}  // namespace keyfence::cli
