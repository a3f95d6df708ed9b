#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "audit/targets.hpp"
#include "report/merge.hpp"
#include "support/run.hpp"

using namespace keyfence;

namespace {

Finding found(const std::string& repo, const std::string& commit, const std::string& path, const std::string& fp,
              std::vector<Place> also = {}) {
    Finding f;
    f.rule_id = "r";
    f.repository = repo;
    f.path = path;
    f.fingerprint = fp;
    f.secret = "s-" + fp;
    f.commit = CommitInfo{commit, "Ada", "ada@example.com", "2026-01-01T00:00:00+00:00", "c"};
    f.also_in = std::move(also);
    return f;
}

std::vector<std::tuple<std::string, std::string, std::string>> places(const Finding& f) {
    std::vector<std::tuple<std::string, std::string, std::string>> out{{f.repository, f.commit->id, f.path}};
    for (const Place& p : f.also_in) out.push_back({p.repository, p.commit, p.path});
    return out;
}

}  // namespace

TEST_CASE("merge: one finding per fingerprint, the first repository's own place first, the rest in also_in by repository") {
    std::vector<Finding> in{found("repo-c", "c1", "x", "k1"), found("repo-a", "a1", "y", "k1", {{"a2", "z", ""}}),
                            found("repo-b", "b1", "w", "k2"), found("repo-b", "b1", "v", "k1")};
    const auto out = report::merge_findings(in);
    REQUIRE(out.size() == 2);
    const Finding& k1 = out[0].fingerprint == "k1" ? out[0] : out[1];
    CHECK(places(k1) == std::vector<std::tuple<std::string, std::string, std::string>>{
                            {"repo-a", "a1", "y"}, {"repo-a", "a2", "z"}, {"repo-b", "b1", "v"}, {"repo-c", "c1", "x"}});
    CHECK(k1.commit->id == "a1");
}

TEST_CASE("merge is associative: any split into shards, merged per shard and then together, equals merging everything at once") {
    std::vector<Finding> all;
    for (int r = 0; r < 12; ++r)
        for (int k = 0; k < 4; ++k)
            if ((r * 7 + k * 3) % 5 != 0)
                all.push_back(found("repo-" + std::to_string(r), "c" + std::to_string(r), "f" + std::to_string(k), "k" + std::to_string(k),
                                    {{"d" + std::to_string(r), "g" + std::to_string(k), ""}}));
    const auto whole = report::merge_findings(all);
    std::mt19937 rng(7);
    for (int trial = 0; trial < 20; ++trial) {
        const unsigned shards = 2 + trial % 4;
        std::vector<std::vector<Finding>> split(shards);
        for (int r = 0; r < 12; ++r) {  // a shard takes whole repositories
            const unsigned s = rng() % shards;
            for (const Finding& f : all)
                if (f.repository == "repo-" + std::to_string(r)) split[s].push_back(f);
        }
        std::vector<Finding> merged;
        std::shuffle(split.begin(), split.end(), rng);  // shard reports in any order
        for (auto& part : split)
            for (Finding& f : report::merge_findings(part)) merged.push_back(std::move(f));
        const auto again = report::merge_findings(merged);
        REQUIRE(again.size() == whole.size());
        for (std::size_t i = 0; i < whole.size(); ++i) CHECK(places(again[i]) == places(whole[i]));
    }
}

TEST_CASE("audit targets: URLs, --repos files, stable shards, mirror directories") {
    for (const char* url : {"https://github.com/curl/curl", "ssh://git@host/x.git", "git://127.0.0.1:9418/a", "file:///srv/a", "git@github.com:o/r.git"})
        CHECK_MESSAGE(audit::is_url(url), url);
    for (const char* path : {"/srv/repos/a", "a", "./dir:with:colons", "../x@y/z:w"}) CHECK_MESSAGE(!audit::is_url(path), path);

    test::TempDir dir;
    dir.write("list.txt", "# header\n  /srv/a  \n\nhttps://x.example/b # comment\nc#not-a-comment\n");
    CHECK(audit::read_repo_list(dir.path() / "list.txt") == std::vector<std::string>{"/srv/a", "https://x.example/b", "c#not-a-comment"});
    CHECK_THROWS_WITH(audit::read_repo_list(dir.path() / "missing.txt"), doctest::Contains("cannot read"));

    // Every repository in exactly one shard; adding repositories moves none of the others.
    std::vector<std::string> names;
    for (int i = 0; i < 200; ++i) names.push_back("https://git.example/org/repo-" + std::to_string(i));
    std::vector<unsigned> shard_of;
    for (const std::string& n : names) {
        unsigned hits = 0, which = 0;
        for (unsigned k = 1; k <= 4; ++k)
            if (audit::in_shard(n, {k, 4})) ++hits, which = k;
        CHECK(hits == 1);
        shard_of.push_back(which);
    }
    for (unsigned k = 1; k <= 4; ++k) CHECK(std::count(shard_of.begin(), shard_of.end(), k) > 25);  // roughly even
    CHECK(audit::parse_shard("2/5").k == 2);
    for (const char* bad : {"0/2", "3/2", "1/0", "1", "1/2x", "a/b"}) CHECK_THROWS(audit::parse_shard(bad));

    const auto m1 = audit::mirror_dir("/c", "https://github.com/curl/curl.git"), m2 = audit::mirror_dir("/c", "https://gitlab.com/curl/curl");
    CHECK(m1.parent_path() == "/c/repos");
    CHECK(m1.filename().string().starts_with("curl-"));
    CHECK(m1 != m2);
    CHECK(audit::mirror_dir("/c", "git@host:../../etc").filename().string().find('/') == std::string::npos);
}
