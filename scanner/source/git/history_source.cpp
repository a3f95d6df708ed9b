#include "source/git/history_source.hpp"

#include "core/progress_line.hpp"
#include "source/git/tree_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <malloc.h>
#include <map>
#include <unordered_set>
#include <mutex>
#include <thread>

namespace keyfence::source {
namespace {

GitCommit lookup_commit(git_repository* repo, const git_oid& id) {
    git_commit* c = nullptr;
    check_git(git_commit_lookup(&c, repo, &id), "reading commit " + oid_hex(id));
    return GitCommit(c);
}

// Every blob under tree that can be read, skipping (and noting) subtrees that cannot.
void collect_readable_blobs(git_repository* repo, const git_tree* tree, const std::string& prefix, std::vector<AddedEntry>& out, std::string& note) {
    const std::size_t n = git_tree_entrycount(tree);
    for (std::size_t i = 0; i < n; ++i) {
        const git_tree_entry* e = git_tree_entry_byindex(tree, i);
        const std::string path = prefix + git_tree_entry_name(e);
        switch (git_tree_entry_type(e)) {
            case GIT_OBJECT_BLOB: out.push_back({*git_tree_entry_id(e), path, false}); break;
            case GIT_OBJECT_TREE: {
                git_tree* sub = nullptr;
                if (git_tree_lookup(&sub, repo, git_tree_entry_id(e)) < 0) {
                    note += fmt::format("; {}/ unreadable ({})", path, git_last_error());
                    break;
                }
                GitTree holder(sub);
                collect_readable_blobs(repo, sub, path + "/", out, note);
                break;
            }
            default: break;  // submodule pointers
        }
    }
}

git_oid resolve_commit(git_repository* repo, const std::string& rev, const std::string& what) {
    git_object* obj = nullptr;
    check_git(git_revparse_single(&obj, repo, ((rev.empty() ? std::string("HEAD") : rev) + "^{commit}").c_str()), "bad revision '" + what + "'");
    GitObject holder(obj);
    return *git_object_id(obj);
}

void add_revision(git_repository* repo, const std::string& rev, std::vector<git_oid>& include, std::vector<git_oid>& hide) {
    if (const std::size_t dots = rev.find(".."); dots != std::string::npos) {
        if (rev.compare(dots, 3, "...") == 0) throw Error("symmetric ranges (A...B) are not supported: " + rev);
        hide.push_back(resolve_commit(repo, rev.substr(0, dots), rev));
        include.push_back(resolve_commit(repo, rev.substr(dots + 2), rev));
    } else if (!rev.empty() && rev[0] == '^') {
        hide.push_back(resolve_commit(repo, rev.substr(1), rev));
    } else {
        include.push_back(resolve_commit(repo, rev, rev));
    }
}

using OidSet = std::unordered_set<git_oid, OidHash, OidEq>;

// The commits a shallow clone has cut off from their parents (GIT_DIR/shallow, one id per line).
OidSet shallow_roots(git_repository* repo) {
    OidSet roots;
    std::ifstream in(std::filesystem::path(git_repository_path(repo)) / "shallow");
    git_oid oid;
    for (std::string line; std::getline(in, line);)
        if (git_oid_fromstrp(&oid, line.c_str()) == 0) roots.insert(oid);
    return roots;
}

// Parents-first order of the commits reachable from include and not from hide, walking parents by hand
// so that shallow roots and missing parents end the walk instead of failing it (libgit2 1.5's revwalk
// stops at the first missing parent).
std::vector<git_oid> walk_by_hand(git_repository* repo, const std::vector<git_oid>& include, const std::vector<git_oid>& hide,
                                  const OidSet& roots, std::vector<Diagnostic>& diags) {
    auto parents = [&](const git_oid& id) {
        std::vector<git_oid> out;
        if (roots.count(id)) return out;
        git_commit* raw = nullptr;
        if (git_commit_lookup(&raw, repo, &id) < 0) {
            diags.push_back({oid_hex(id), "cannot read commit: " + git_last_error()});
            return out;
        }
        GitCommit c(raw);
        for (unsigned i = 0; i < git_commit_parentcount(raw); ++i) out.push_back(*git_commit_parent_id(raw, i));
        return out;
    };
    OidSet hidden;
    for (std::vector<git_oid> todo = hide; !todo.empty();) {
        const git_oid id = todo.back();
        todo.pop_back();
        if (!hidden.insert(id).second) continue;
        for (const git_oid& p : parents(id)) todo.push_back(p);
    }
    std::vector<git_oid> order;
    OidSet seen = hidden;
    for (const git_oid& tip : include) {
        if (!seen.insert(tip).second) continue;
        std::vector<std::pair<git_oid, std::vector<git_oid>>> stack;  // commit, parents still to visit
        stack.push_back({tip, parents(tip)});
        while (!stack.empty()) {
            auto& [id, todo] = stack.back();
            if (todo.empty()) {
                order.push_back(id);  // every parent is already in order
                stack.pop_back();
                continue;
            }
            const git_oid next = todo.back();
            todo.pop_back();
            if (seen.insert(next).second) stack.push_back({next, parents(next)});
        }
    }
    return order;
}

}  // namespace

RevisionTips parse_revisions(git_repository* repo, const std::vector<std::string>& revisions) {
    RevisionTips tips;
    for (const std::string& rev : revisions) add_revision(repo, rev, tips.include, tips.hide);
    return tips;
}

HistorySource::HistorySource(const std::string& repo_path, HistoryOptions options) : max_file_size_(options.max_file_size) {
    GitRepository repo = open_repository(repo_path);
    repo_path_ = git_repository_path(repo.get());
    const char* workdir = git_repository_workdir(repo.get());
    root_ = workdir ? workdir : repo_path_;
    if (git_repository_is_shallow(repo.get()))
        diagnostics_.push_back({repo_path, "shallow clone: history beyond the shallow boundary is not here to scan"});
    const auto started = std::chrono::steady_clock::now();
    pack_readers_ = open_pack_readers(std::string(git_repository_commondir(repo.get())) + "objects");
    walk_commits(repo.get(), options);
    if (options.include_unreachable) add_unreachable(repo.get());
    order_jobs_by_pack();
    walk_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

std::vector<std::string> HistorySource::tips() const {
    std::vector<std::string> out;
    for (const git_oid& id : tips_) out.push_back(oid_hex(id));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void HistorySource::order_jobs_by_pack() {
    struct Place {
        std::uint32_t pack;  // index into pack_readers_; objects in no pack it reads come last
        std::uint64_t offset;
        std::uint32_t job;
    };
    std::vector<Place> order(blobs_.size());
    for (std::uint32_t j = 0; j < blobs_.size(); ++j) {
        order[j] = {UINT32_MAX, 0, j};
        for (std::uint32_t p = 0; p < pack_readers_.size(); ++p)
            if (const auto at = pack_readers_[p]->offset_of(blobs_[j].blob)) {
                order[j] = {p, *at, j};
                break;
            }
    }
    std::sort(order.begin(), order.end(), [](const Place& a, const Place& b) {
        return a.pack != b.pack ? a.pack < b.pack : a.offset != b.offset ? a.offset < b.offset : a.job < b.job;
    });
    std::vector<BlobJob> blobs(blobs_.size());
    std::vector<std::uint32_t> blob_commit(blobs_.size());
    std::vector<std::uint32_t> moved_to(blobs_.size());
    for (std::uint32_t n = 0; n < order.size(); ++n) {
        const std::uint32_t j = order[n].job;
        blobs[n] = std::move(blobs_[j]);
        if (order[n].pack != UINT32_MAX) {
            blobs[n].pack = pack_readers_[order[n].pack].get();
            blobs[n].pack_offset = order[n].offset;
        }
        blob_commit[n] = blob_commit_[j];
        moved_to[j] = n;
    }
    blobs_ = std::move(blobs);
    blob_commit_ = std::move(blob_commit);
    for (auto& [oid, job] : job_of_blob_) job = moved_to[job];
    std::unordered_map<std::uint32_t, std::vector<Sighting>> sightings;
    for (auto& [job, places] : sightings_) sightings.emplace(moved_to[job], std::move(places));
    sightings_ = std::move(sightings);
}

void HistorySource::walk_commits(git_repository* repo, const HistoryOptions& options) {
    std::vector<git_oid> include, hide;
    if (options.revisions.empty()) {
        git_reference_iterator* raw_it = nullptr;
        check_git(git_reference_iterator_new(&raw_it, repo), "listing references");
        git_reference* ref = nullptr;
        while (git_reference_next(&ref, raw_it) == 0) {
            GitReference holder(ref);
            git_object* obj = nullptr;
            if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) < 0) {
                diagnostics_.push_back({git_reference_name(ref), "does not point to a commit: not walked (" + git_last_error() + ")"});
                continue;
            }
            GitObject peeled(obj);
            include.push_back(*git_object_id(obj));
        }
        git_reference_iterator_free(raw_it);
        git_object* head = nullptr;
        if (git_revparse_single(&head, repo, "HEAD^{commit}") == 0) {
            include.push_back(*git_object_id(head));
            git_object_free(head);
        } else if (!git_repository_head_unborn(repo)) {
            diagnostics_.push_back({"HEAD", "cannot resolve HEAD: " + git_last_error()});
        }
        for (const std::string& hex : options.hide) {
            git_oid id;
            git_commit* c = nullptr;
            if (git_oid_fromstr(&id, hex.c_str()) == 0 && git_commit_lookup(&c, repo, &id) == 0) {
                git_commit_free(c);
                hide.push_back(id);
            }
        }
    } else {
        RevisionTips tips = parse_revisions(repo, options.revisions);
        include = std::move(tips.include);
        hide = std::move(tips.hide);
    }
    tips_ = include;

    const OidSet roots = shallow_roots(repo);
    if (!roots.empty()) {
        commits_ = walk_by_hand(repo, include, hide, roots, diagnostics_);
    } else {
        git_revwalk* raw_walk = nullptr;
        check_git(git_revwalk_new(&raw_walk, repo), "starting the commit walk");
        GitRevwalk walk(raw_walk);
        // Parents before children, so the first commit that adds a blob is the one that introduced it.
        git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
        for (const git_oid& id : include) check_git(git_revwalk_push(walk.get(), &id), "walking " + oid_hex(id));
        for (const git_oid& id : hide) check_git(git_revwalk_hide(walk.get(), &id), "walking " + oid_hex(id));
        git_oid id;
        int rc = 0;
        while ((rc = git_revwalk_next(&id, walk.get())) == 0) commits_.push_back(id);
        if (rc != GIT_ITEROVER) {  // a missing commit: walk by hand, which steps around it
            diagnostics_.push_back({"commit walk", git_last_error() + "; walking parents one by one"});
            commits_ = walk_by_hand(repo, include, hide, roots, diagnostics_);
        }
    }

    // Compare every commit's tree with its first parent's, in parallel: each thread owns a repository
    // handle and a run of consecutive commits, so the parent tree it needs is usually the one it has just
    // read (reading trees is most of the walk on a long history).
    struct CommitDelta {
        std::vector<AddedEntry> added;
        std::string error;
        std::string submodule;  // a gitlink path, if the commit touches one
    };
    std::vector<CommitDelta> deltas(commits_.size());
    std::atomic<std::size_t> diffed{0};
    auto diff_commits = [&](std::size_t first, std::size_t last) {
        GitRepository own = open_repository(repo_path_);
        git_repository* r = own.get();
        git_odb* raw_odb = nullptr;
        check_git(git_repository_odb(&raw_odb, r), "opening the object database");
        GitOdb odb(raw_odb);
        TreeDiffer differ(odb.get(), &pack_readers_);
        std::vector<AddedEntry> entries;
        for (std::size_t c = first; c < last; ++c) {
            if (options.stop && options.stop->load(std::memory_order_relaxed)) break;
            CommitDelta& out = deltas[c];
            try {
                GitCommit commit = lookup_commit(r, commits_[c]);
                const git_oid tree = *git_commit_tree_id(commit.get());
                try {
                    entries.clear();
                    if (git_commit_parentcount(commit.get()) > 0 && !roots.count(commits_[c])) {
                        const git_oid parent_tree = *git_commit_tree_id(lookup_commit(r, *git_commit_parent_id(commit.get(), 0)).get());
                        differ.diff(&parent_tree, tree, entries);
                    } else {
                        differ.diff(nullptr, tree, entries);
                    }
                    for (AddedEntry& e : entries) {
                        if (e.gitlink) out.submodule = e.path;
                        else out.added.push_back(std::move(e));
                    }
                } catch (const Error& e) {
                    // The parent or part of a tree is unreadable (damaged pack, missing object): take every
                    // blob of this commit's tree that can still be read, so no finding is lost to it.
                    out.error = std::string(e.what()) + "; scanning the commit's readable files instead";
                    out.added.clear();
                    git_tree* t = nullptr;
                    check_git(git_tree_lookup(&t, r, &tree), "reading the tree of commit " + oid_hex(commits_[c]));
                    GitTree holder(t);
                    collect_readable_blobs(r, t, "", out.added, out.error);
                }
            } catch (const Error& e) {
                out.error = e.what();  // the commit or its tree itself is unreadable: the walk goes on
            }
            diffed.fetch_add(1, std::memory_order_relaxed);
        }
    };
    ProgressLine progress(options.progress, [&] { return fmt::format("{}/{} commits walked", diffed.load(), commits_.size()); });
    const unsigned wanted = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    const std::size_t threads = std::min<std::size_t>(wanted, commits_.size() / 64 + 1);
    std::vector<std::exception_ptr> errors(threads);
    auto run = [&](std::size_t t) {
        try {
            diff_commits(commits_.size() * t / threads, commits_.size() * (t + 1) / threads);
        } catch (...) {
            errors[t] = std::current_exception();
        }
    };
    if (threads == 1) {
        run(0);
    } else {
        std::vector<std::thread> pool;
        for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(run, t);
        for (auto& th : pool) th.join();
    }
    // The diff threads' repositories (and their tree caches) are gone: hand the freed heap back, or it
    // stays resident through the whole scan (~200 MB on a 30,000-commit history, measured). One trim
    // at a time (audit walks several repositories at once); none under ASan, whose allocator is not
    // glibc's (its arenas were never set up, and two first trims at once crashed there).
#if !defined(__SANITIZE_ADDRESS__)
    {
        static std::mutex trim_mutex;
        std::lock_guard lock(trim_mutex);
        malloc_trim(0);
    }
#endif
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);

    // Merge in topological order: the first commit to add a blob introduced it.
    bool submodule_noted = false;
    for (std::uint32_t c = 0; c < deltas.size(); ++c) {
        CommitDelta& d = deltas[c];
        if (!d.error.empty()) diagnostics_.push_back({oid_hex(commits_[c]), d.error});
        if (!d.submodule.empty() && !submodule_noted) {
            diagnostics_.push_back({d.submodule, "submodule: not recursed (scan its own repository)"});
            submodule_noted = true;
        }
        for (AddedEntry& a : d.added) {
            auto [it, fresh] = job_of_blob_.emplace(a.id, static_cast<std::uint32_t>(blobs_.size()));
            if (fresh) {
                blobs_.push_back({a.id, std::move(a.path), oid_hex(commits_[c])});
                blob_commit_.push_back(c);
            }
            else sightings_[it->second].push_back({c, std::move(a.path)});
        }
        d = CommitDelta{};  // free as we go
    }
}

void HistorySource::add_unreachable(git_repository* repo) {
    git_odb* raw = nullptr;
    check_git(git_repository_odb(&raw, repo), "opening the object database");
    GitOdb odb(raw);
    std::vector<git_oid> all;
    git_odb_foreach(
        odb.get(),
        [](const git_oid* oid, void* payload) {
            static_cast<std::vector<git_oid>*>(payload)->push_back(*oid);
            return 0;
        },
        &all);
    std::sort(all.begin(), all.end(), [](const git_oid& a, const git_oid& b) { return git_oid_cmp(&a, &b) < 0; });
    all.erase(std::unique(all.begin(), all.end(), [](const git_oid& a, const git_oid& b) { return git_oid_equal(&a, &b); }), all.end());
    for (const git_oid& oid : all) {
        if (job_of_blob_.count(oid)) continue;
        std::size_t size = 0;
        git_object_t type = GIT_OBJECT_INVALID;
        if (git_odb_read_header(&size, &type, odb.get(), &oid) < 0) {
            diagnostics_.push_back({oid_hex(oid), "cannot read object header: " + git_last_error()});
            continue;
        }
        if (type != GIT_OBJECT_BLOB) continue;
        job_of_blob_.emplace(oid, static_cast<std::uint32_t>(blobs_.size()));
        blobs_.push_back({oid, "unreachable-blob:" + oid_hex(oid), ""});
        blob_commit_.push_back(kNoCommit);
    }
}

std::unique_ptr<Reader> HistorySource::make_reader() const {
    return std::make_unique<BlobReader>(repo_path_, blobs_, max_file_size_);
}

CommitInfo HistorySource::commit_info(git_repository* repo, std::uint32_t index) const {
    CommitInfo info;
    info.id = oid_hex(commits_[index]);
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &commits_[index]) < 0) return info;
    GitCommit c(raw);
    if (const git_signature* a = git_commit_author(raw)) {
        info.author_name = a->name ? a->name : "";
        info.author_email = a->email ? a->email : "";
        const int off = a->when.offset;  // minutes east of UTC
        const std::time_t t = static_cast<std::time_t>(a->when.time) + off * 60;
        std::tm tm{};
        gmtime_r(&t, &tm);
        info.date = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', std::abs(off) / 60, std::abs(off) % 60);
    }
    if (const char* s = git_commit_summary(raw)) info.summary = s;
    return info;
}

void HistorySource::finish(std::vector<Finding>& findings) const {
    if (findings.empty()) return;
    GitRepository repo = open_repository(repo_path_);
    auto commit_of = [&](const Finding& f) { return blob_commit_[f.job]; };
    // Earliest commit first (unreachable blobs last), then path, so the first of each secret is its origin.
    std::stable_sort(findings.begin(), findings.end(), [&](const Finding& a, const Finding& b) {
        if (commit_of(a) != commit_of(b)) return commit_of(a) < commit_of(b);
        if (a.path != b.path) return a.path < b.path;
        return a.offset < b.offset;
    });
    std::map<std::string, std::size_t> first_of;  // fingerprint -> index in kept
    std::vector<Finding> kept;
    std::map<std::uint32_t, CommitInfo> infos;
    auto id_of = [&](std::uint32_t c) { return c == kNoCommit ? std::string() : oid_hex(commits_[c]); };
    // Every other (commit, path) holding the secret, once: not the origin's own place, which a second
    // occurrence in the same blob would otherwise add.
    auto add_place = [&](Finding& origin, Place p) {
        if (p.commit == id_of(commit_of(origin)) && p.path == origin.path) return;
        if (std::none_of(origin.also_in.begin(), origin.also_in.end(), [&](const Place& q) { return q.commit == p.commit && q.path == p.path; }))
            origin.also_in.push_back(std::move(p));
    };
    // Where `f` was found, and every other commit/path its blob was seen at.
    auto add_places_of = [&](Finding& origin, const Finding& f) {
        add_place(origin, {id_of(commit_of(f)), f.path});
        if (auto it = sightings_.find(static_cast<std::uint32_t>(f.job)); it != sightings_.end())
            for (const Sighting& s : it->second) add_place(origin, {id_of(s.commit), s.path});
    };
    for (Finding& f : findings) {
        auto [it, fresh] = first_of.emplace(f.fingerprint, kept.size());
        if (!fresh) {
            add_places_of(kept[it->second], f);
            continue;
        }
        const std::uint32_t c = commit_of(f);
        if (c != kNoCommit) {
            auto info = infos.find(c);
            if (info == infos.end()) info = infos.emplace(c, commit_info(repo.get(), c)).first;
            f.commit = info->second;
        }
        kept.push_back(std::move(f));
        add_places_of(kept.back(), kept.back());
    }
    findings = std::move(kept);
}

}  // namespace keyfence::source
