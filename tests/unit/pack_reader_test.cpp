// PackReader against libgit2: every object of packs git itself wrote (deep OFS_DELTA chains, and
// REF_DELTA ones), read in pack order and out of it, byte for byte as libgit2 reads them; damaged
// entries give nullptr (the caller then asks libgit2), never wrong bytes or a crash.
// KEYFENCE_PACK_READER_REPO=PATH also checks every blob and tree of a real clone's packs.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/git_handles.hpp"
#include "source/git/pack_reader.hpp"
#include "support/git_repo.hpp"

using namespace keyfence;
using keyfence::source::PackChains;
using keyfence::source::PackReader;

namespace {

std::vector<std::string> idx_files(const std::filesystem::path& git_dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(git_dir / "objects" / "pack"))
        if (e.path().extension() == ".idx") out.push_back(e.path().string());
    return out;
}

// Every object id in an index (version 2: the sorted id table after the fan-out).
std::vector<git_oid> ids_in(const std::string& idx) {
    std::ifstream in(idx, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::uint32_t count = std::uint32_t{p[8 + 1020]} << 24 | std::uint32_t{p[8 + 1021]} << 16 | std::uint32_t{p[8 + 1022]} << 8 | p[8 + 1023];
    std::vector<git_oid> ids(count);
    for (std::uint32_t i = 0; i < count; ++i) std::memcpy(ids[i].id, p + 8 + 1024 + std::size_t{i} * 20, 20);
    return ids;
}

struct Checked {
    std::size_t read_here = 0, left_to_libgit2 = 0;
};

// Reads every blob and tree of the repository's packs both ways; the bytes must agree.
Checked check_packs(const std::filesystem::path& git_dir, bool pack_order) {
    ensure_libgit2();
    git_repository* raw_repo = nullptr;
    REQUIRE(git_repository_open(&raw_repo, git_dir.string().c_str()) == 0);
    GitRepository repo(raw_repo);
    git_odb* raw_odb = nullptr;
    REQUIRE(git_repository_odb(&raw_odb, raw_repo) == 0);
    GitOdb odb(raw_odb);
    Checked checked;
    for (const std::string& idx : idx_files(git_dir)) {
        std::shared_ptr<const PackChains> index(PackChains::open(idx));
        REQUIRE(index);
        const std::unique_ptr<PackReader> reader = PackReader::open(index, 1u << 20);  // small: eviction too
        REQUIRE(reader);
        std::vector<std::pair<std::uint64_t, git_oid>> objects;
        for (const git_oid& id : ids_in(idx)) objects.push_back({*index->offset_of(id), id});
        if (pack_order) std::sort(objects.begin(), objects.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (const auto& [offset, id] : objects) {
            git_odb_object* raw = nullptr;
            REQUIRE(git_odb_read(&raw, odb.get(), &id) == 0);
            GitOdbObject expected(raw);
            const int type = git_odb_object_type(raw);
            if (type != GIT_OBJECT_BLOB && type != GIT_OBJECT_TREE) continue;
            const std::string_view want(static_cast<const char*>(git_odb_object_data(raw)), git_odb_object_size(raw));
            INFO("object " << oid_hex(id) << " at " << offset);
            const PackReader::Data got = reader->read(offset, type, 1ull << 32);
            if (!got) {
                ++checked.left_to_libgit2;
                continue;
            }
            REQUIRE(got->view() == want);
            CHECK_FALSE(reader->read(offset, type == GIT_OBJECT_BLOB ? GIT_OBJECT_TREE : GIT_OBJECT_BLOB, 1ull << 32));
            ++checked.read_here;
        }
    }
    return checked;
}

// A history where each commit changes one line of a file, so each version is closest to the one before
// and git packs them as one long delta chain.
void chain_history(test::Repo& repo) {
    std::vector<std::string> lines;
    for (int k = 0; k < 300; ++k) lines.push_back("line " + std::to_string(k) + " of a file where one line changes per commit");
    for (int i = 0; i < 60; ++i) {
        lines[static_cast<std::size_t>(i * 7 % 300)] = "changed in commit " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 13), 'x');
        std::string text;
        for (const std::string& l : lines) text += l + "\n";
        repo.write("src/chain.txt", text);
        repo.write("src/small" + std::to_string(i % 7) + ".txt", "version " + std::to_string(i) + "\n" + text.substr(0, 500));
        repo.commit("commit " + std::to_string(i));
    }
}

// How many entries of the repository's one pack are deltas of each kind.
std::pair<std::size_t, std::size_t> ofs_and_ref_deltas(const std::filesystem::path& git_dir) {
    const std::string idx = idx_files(git_dir).front();
    std::ifstream in(idx.substr(0, idx.size() - 4) + ".pack", std::ios::binary);
    const std::string pack((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::shared_ptr<const PackChains> index(PackChains::open(idx));
    std::size_t ofs = 0, ref = 0;
    for (const git_oid& id : ids_in(idx)) {
        const std::uint64_t at = *index->offset_of(id);
        const auto h = source::parse_pack_entry_header(reinterpret_cast<const unsigned char*>(pack.data()) + at, pack.size() - at);
        REQUIRE(h);
        ofs += h->type == GIT_OBJECT_OFS_DELTA;
        ref += h->type == GIT_OBJECT_REF_DELTA;
    }
    return {ofs, ref};
}

}  // namespace

TEST_CASE("every object of packs git wrote reads as libgit2 reads it: deep OFS_DELTA chains, REF_DELTA bases") {
    test::Repo repo;
    chain_history(repo);
    struct Packing {
        const char* repack;
        bool ref_deltas;
    };
    for (const Packing packing : {Packing{"repack -a -d -f -q --depth=50 --window=50", false},
                                  Packing{"-c repack.useDeltaBaseOffset=false repack -a -d -f -q --depth=50 --window=50", true}}) {
        INFO(std::string(packing.repack));
        REQUIRE(repo.git(packing.repack).exit_code == 0);
        const auto chains = repo.git("verify-pack -v " + idx_files(repo.path() / ".git").front());
        CHECK(chains.out.find("chain length = 40") != std::string::npos);  // chains deep enough to matter
        const auto [ofs, ref] = ofs_and_ref_deltas(repo.path() / ".git");
        CHECK((packing.ref_deltas ? ref : ofs) > 50);
        CHECK((packing.ref_deltas ? ofs : ref) == 0);
        for (bool pack_order : {true, false}) {
            const Checked c = check_packs(repo.path() / ".git", pack_order);
            CHECK(c.read_here > 100);
            CHECK(c.left_to_libgit2 == 0);
        }
    }
}

TEST_CASE("a pack is closed with its last user, however often it was rewritten (no process-wide growth)") {
    // An audit of many repositories (or a fuzzer rewriting one pack) opens pack after pack in one process.
    test::Repo repo;
    repo.write("a.txt", "one\n");
    repo.commit("one");
    REQUIRE(repo.git("repack -a -d -q").exit_code == 0);
    const std::string idx = idx_files(repo.path() / ".git").front();
    const auto open_fds = [] {
        return std::distance(std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator{});
    };
    const std::string objects = (repo.path() / ".git" / "objects").string();
    const auto kept = source::open_pack_chains(objects);  // one user throughout: shared, not reopened
    REQUIRE(kept.size() == 1);
    CHECK(source::open_pack_chains(objects).front() == kept.front());
    const auto before = open_fds();
    for (int i = 1; i <= 40; ++i) {
        // The same pack under a new identity each time (as a repack under the same name would be).
        const auto when = std::filesystem::last_write_time(idx) + std::chrono::seconds(i);
        std::filesystem::last_write_time(idx, when);
        const auto chains = source::open_pack_chains(objects);
        REQUIRE(chains.size() == 1);
        CHECK(chains.front() != kept.front());
    }
    CHECK(open_fds() - before < 3);
}

TEST_CASE("a damaged pack entry gives nullptr or the right bytes, never other bytes") {
    test::Repo repo;
    chain_history(repo);
    REQUIRE(repo.git("repack -a -d -f -q --depth=50").exit_code == 0);
    const std::string idx = idx_files(repo.path() / ".git").front();
    const std::string pack = idx.substr(0, idx.size() - 4) + ".pack";
    std::ifstream in(pack, std::ios::binary);
    const std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    std::shared_ptr<const PackChains> index(PackChains::open(idx));
    std::vector<std::pair<std::uint64_t, git_oid>> objects;
    for (const git_oid& id : ids_in(idx)) objects.push_back({*index->offset_of(id), id});
    // Ground truth before the damage.
    std::vector<std::string> truth;
    {
        const auto reader = PackReader::open(index);
        for (const auto& [offset, id] : objects) {
            const auto blob = reader->read(offset, GIT_OBJECT_BLOB, 1u << 30);
            const auto tree = blob ? nullptr : reader->read(offset, GIT_OBJECT_TREE, 1u << 30);
            truth.push_back(blob ? std::string(blob->view()) : tree ? std::string(tree->view()) : std::string());
        }
    }
    std::size_t refused = 0;
    const std::size_t step = std::max<std::size_t>(original.size() / 80, 1);
    for (std::size_t at = 12; at < original.size() - 20; at += step) {  // one damaged byte at a time, all over the pack
        std::string damaged = original;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
        std::filesystem::permissions(pack, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
        std::ofstream(pack, std::ios::binary | std::ios::trunc) << damaged;
        const auto reader = PackReader::open(std::shared_ptr<const PackChains>(PackChains::open(idx)));
        REQUIRE(reader);
        for (std::size_t k = 0; k < objects.size(); ++k) {
            for (int type : {GIT_OBJECT_BLOB, GIT_OBJECT_TREE}) {
                const auto got = reader->read(objects[k].first, type, 1u << 30);
                if (!got) {
                    ++refused;
                    continue;
                }
                INFO("byte " << at << " damaged, object at " << objects[k].first);
                // zlib's checksum catches damage inside a stream; a damaged header or delta instruction
                // must not turn into other bytes either.
                CHECK(got->view() == truth[k]);
            }
        }
    }
    CHECK(refused > 0);
}

TEST_CASE("a real clone's packs, when KEYFENCE_PACK_READER_REPO names one") {
    const char* path = std::getenv("KEYFENCE_PACK_READER_REPO");
    if (!path) return;
    const Checked c = check_packs(std::filesystem::path(path) / ".git", true);
    MESSAGE("read here: " << c.read_here << ", left to libgit2: " << c.left_to_libgit2);
}
