// End-to-end: loose objects damaged the ways disks, crashes and hostile repositories damage them.
// libgit2 1.5.1 loops forever on a truncated loose object and overflows the heap on a header that
// understates the size; keyfence reads loose objects itself, so history goes on with a note and the
// pre-commit gate refuses, within seconds, to vouch for what it could not read.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "support/deflate.hpp"
#include "support/fake_keys.hpp"
#include "support/git_repo.hpp"
#include "support/run.hpp"

using namespace keyfence::test;
namespace fs = std::filesystem;

namespace {


std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}
void write_bytes(const std::string& path, const std::string& bytes) {
    fs::create_directories(fs::path(path).parent_path());
    fs::permissions(fs::path(path).parent_path(), fs::perms::owner_all, fs::perm_options::add);
    if (fs::exists(path)) fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// keyfence under `timeout`, so a hang fails the test (exit 124) instead of stalling the suite.
RunResult keyfence_within(int seconds, const std::string& args) {
    return run_shell("timeout -s KILL " + std::to_string(seconds) + " " + shell_quote(KEYFENCE_BIN) + " " + args);
}

// A repository with a key in keys.py and one other file in victim.py, committed; victim.py's loose
// object is then replaced by `damage(original bytes)`.
struct DamagedHistory {
    Repo repo;
    std::string victim;
    template <typename Damage>
    explicit DamagedHistory(Damage damage) {
        repo.write("keys.py", "OPENAI_API_KEY = \"" + openai_project(901) + "\"\n");
        repo.write("victim.py", "print('hello from a file that will be damaged')\n");
        repo.commit("two files");
        victim = repo.rev("HEAD:victim.py");
        const std::string path = repo.object_path(victim);
        write_bytes(path, damage(read_bytes(path)));
    }
};

// A repository with a clean commit, then victim.py staged and its loose object damaged.
struct DamagedStage {
    Repo repo;
    std::string victim;
    template <typename Damage>
    explicit DamagedStage(Damage damage) {
        repo.write("a.py", "x = 1\n");
        repo.commit("base");
        repo.write("victim.py", "print('staged and then damaged')\n");
        REQUIRE(repo.git("add victim.py").exit_code == 0);
        victim = repo.rev(":victim.py");
        const std::string path = repo.object_path(victim);
        write_bytes(path, damage(read_bytes(path)));
    }
};

void check_history_goes_on(const DamagedHistory& d, const std::string& what) {
    const auto r = keyfence_within(20, "history " + shell_quote(d.repo.path().string()));
    INFO(what << "\n" << r.err);
    CHECK(r.exit_code == 1);  // the other file's key is still found
    CHECK(r.out.find("keys.py") != std::string::npos);
    CHECK(r.err.find("note: victim.py") != std::string::npos);
    CHECK(r.err.find(d.victim) != std::string::npos);
}

void check_staged_blocks(const DamagedStage& d, const std::string& what) {
    const auto r = keyfence_within(20, "staged " + shell_quote(d.repo.path().string()));
    INFO(what << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind("error: cannot read staged file victim.py", 0) == 0);
    CHECK(r.err.find("The commit is blocked") != std::string::npos);
    CHECK(r.err.find("git fsck") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // one line
}

}  // namespace

TEST_CASE("a loose object truncated at 2, 10, 20 and 33 bytes: history notes it and goes on; staged blocks the commit") {
    for (std::size_t keep : {2u, 10u, 20u, 33u}) {
        const auto cut = [keep](const std::string& bytes) { return bytes.substr(0, std::min(keep, bytes.size() - 1)); };
        check_history_goes_on(DamagedHistory(cut), "history, cut to " + std::to_string(keep) + " bytes");
        check_staged_blocks(DamagedStage(cut), "staged, cut to " + std::to_string(keep) + " bytes");
    }
}

TEST_CASE("a loose object truncated at every byte: never a hang, never a crash") {
    DamagedHistory history([](const std::string& b) { return b; });
    DamagedStage stage([](const std::string& b) { return b; });
    const std::string hpath = history.repo.object_path(history.victim), spath = stage.repo.object_path(stage.victim);
    const std::string hbytes = read_bytes(hpath), sbytes = read_bytes(spath);
    REQUIRE(hbytes.size() > 20);
    for (std::size_t keep = 0; keep < hbytes.size(); ++keep) {
        write_bytes(hpath, hbytes.substr(0, keep));
        check_history_goes_on(history, "history, cut to " + std::to_string(keep) + " bytes");
    }
    for (std::size_t keep = 0; keep < sbytes.size(); ++keep) {
        write_bytes(spath, sbytes.substr(0, keep));
        check_staged_blocks(stage, "staged, cut to " + std::to_string(keep) + " bytes");
    }
}

TEST_CASE("a loose object whose header understates its size: no heap overflow; its key is still found in history") {
    // libgit2 issue 7177: libgit2 sizes its buffer from the header and copies the whole body into it.
    Repo repo;
    repo.write("a.py", "x = 1\n");
    repo.commit("base");
    const std::string body = "ANTHROPIC_API_KEY = \"" + anthropic_api03(902) + "\"\n" + std::string(200, '#') + "\n";
    repo.write("body.txt", body);
    const std::string oid = repo.git("hash-object -w body.txt").out.substr(0, 40);
    fs::remove(repo.path() / "body.txt");
    write_bytes(repo.object_path(oid), zlib_compress("blob 12" + std::string(1, '\0') + body));
    REQUIRE(repo.git("update-index --add --cacheinfo 100644," + oid + ",lying.py").exit_code == 0);

    const auto h = keyfence_within(20, "history --include-unreachable " + shell_quote(repo.path().string()));
    INFO(h.err);
    CHECK(h.exit_code == 1);  // what could be inflated was scanned
    CHECK(h.out.find("anthropic") != std::string::npos);
    CHECK(h.err.find("header says 12 bytes but the content is longer") != std::string::npos);

    const auto s = keyfence_within(20, "staged " + shell_quote(repo.path().string()));
    INFO(s.err);
    CHECK(s.exit_code == 2);
    CHECK(s.err.rfind("error: cannot read staged file lying.py", 0) == 0);
}

TEST_CASE("garbage after a valid zlib stream: the content is read and scanned, with a note") {
    Repo repo;
    repo.write("a.py", "x = 1\n");
    repo.commit("base");
    repo.write("tail.py", "KEY = \"" + openai_project(903) + "\"\n");
    REQUIRE(repo.git("add tail.py").exit_code == 0);
    const std::string oid = repo.rev(":tail.py");
    const std::string path = repo.object_path(oid);
    write_bytes(path, read_bytes(path) + "GARBAGE AFTER THE STREAM");

    const auto s = keyfence_within(20, "staged " + shell_quote(repo.path().string()));
    INFO(s.err);
    CHECK(s.exit_code == 1);  // git itself reads it: so does the gate, and finds the key
    CHECK(s.err.find("24 bytes after the end of its zlib stream") != std::string::npos);
    repo.commit("tail");
    const auto h = keyfence_within(20, "history " + shell_quote(repo.path().string()));
    CHECK(h.exit_code == 1);
    CHECK(h.out.find("tail.py") != std::string::npos);
}

TEST_CASE("a damaged tree object: history notes the commit and scans every other commit") {
    Repo repo;
    repo.write("first.py", "K = \"" + openai_project(904) + "\"\n");
    repo.commit("first");
    repo.write("dir/second.py", "print(2)\n");
    repo.commit("second");
    const std::string tree = repo.rev("HEAD:dir");
    const std::string path = repo.object_path(tree);
    write_bytes(path, read_bytes(path).substr(0, 12));
    const auto r = keyfence_within(20, "history " + shell_quote(repo.path().string()));
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("first.py") != std::string::npos);
    CHECK(r.err.find(tree) != std::string::npos);
}

TEST_CASE("a damaged tree inside a pack: history notes it and scans every other commit") {
    // Trees in packs are read by keyfence's own pack reader (source/git/pack_reader); damage there
    // must end in the same note as through libgit2, never in wrong entries or a crash.
    Repo repo;
    repo.write("first.py", "K = \"" + openai_project(907) + "\"\n");
    repo.commit("first");
    std::string listing;
    for (int i = 0; i < 40; ++i) listing += "entry_" + std::to_string(i) + " = " + std::to_string(i * 7) + "\n";
    for (int i = 0; i < 12; ++i) repo.write("dir/file" + std::to_string(i) + ".py", listing + std::to_string(i) + "\n");
    repo.commit("second");
    REQUIRE(repo.git("repack -a -d -f -q").exit_code == 0);
    const std::string tree = repo.rev("HEAD:dir");
    // The tree's offset in the pack, from git's own index listing ("offset id (crc)" per line).
    const auto idx = run_shell("ls " + shell_quote((repo.path() / ".git/objects/pack").string()) + "/*.idx");
    const std::string idx_path = idx.out.substr(0, idx.out.find('\n'));
    const auto listed = run_shell("git show-index < " + shell_quote(idx_path));
    const auto at = listed.out.find(" " + tree);
    REQUIRE(at != std::string::npos);
    const std::uint64_t offset = std::stoull(listed.out.substr(listed.out.rfind('\n', at) + 1));
    const std::string pack_path = idx_path.substr(0, idx_path.size() - 4) + ".pack";
    std::string pack = read_bytes(pack_path);
    REQUIRE(offset + 12 < pack.size());
    for (std::uint64_t i = offset + 4; i < offset + 12; ++i) pack[i] = static_cast<char>(pack[i] ^ 0x5a);  // into its zlib data
    write_bytes(pack_path, pack);
    const auto r = keyfence_within(20, "history " + shell_quote(repo.path().string()));
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("first.py") != std::string::npos);
    CHECK(r.err.find(tree) != std::string::npos);
}

TEST_CASE("a FIFO in place of a loose object is read as damaged, never waited on") {
    DamagedStage stage([](const std::string& b) { return b; });
    const std::string path = stage.repo.object_path(stage.victim);
    fs::remove(path);
    REQUIRE(run_shell("mkfifo " + shell_quote(path)).exit_code == 0);
    check_staged_blocks(stage, "fifo");
}

namespace {
// A pack holding one entry (header and data as given) for `oid`, with its version 2 index.
void write_one_entry_pack(const Repo& repo, const std::string& oid, const std::string& entry_hex) {
    const std::string script = R"PY(
import hashlib, struct, sys
oid = bytes.fromhex(sys.argv[1])
pack = b'PACK' + struct.pack('>II', 2, 1) + bytes.fromhex(sys.argv[2])
pack += hashlib.sha1(pack).digest()
idx = b'\377tOc' + struct.pack('>I', 2)
idx += b''.join(struct.pack('>I', 1 if i >= oid[0] else 0) for i in range(256))
idx += oid + struct.pack('>II', 0, 12) + pack[-20:]
idx += hashlib.sha1(idx).digest()
open('.git/objects/pack/pack-%s.pack' % sys.argv[1], 'wb').write(pack)
open('.git/objects/pack/pack-%s.idx' % sys.argv[1], 'wb').write(idx)
)PY";
    repo.write("mkpack.py", script);
    REQUIRE(run_shell("cd " + shell_quote(repo.path().string()) + " && mkdir -p .git/objects/pack && python3 mkpack.py " + oid + " " + entry_hex +
                      " && rm mkpack.py").exit_code == 0);
}
}  // namespace

TEST_CASE("a packed REF_DELTA based on itself: no endless chain, no unbounded memory") {
    // Found by fuzz_git_objects: libgit2 1.5.1 follows the chain forever, growing it (3 GB in seconds).
    Repo repo;
    repo.write("keys.py", "OPENAI_API_KEY = \"" + openai_project(906) + "\"\n");
    repo.commit("base");
    const std::string victim = "0031c26cb80318f9bcd61227fcc3d02c341f4d0a";
    write_one_entry_pack(repo, victim, "78" + victim + "789c030000000001");  // REF_DELTA, size 8, base: itself
    REQUIRE(repo.git("update-index --add --cacheinfo 100644," + victim + ",loop.py").exit_code == 0);
    const auto s = keyfence_within(20, "staged " + shell_quote(repo.path().string()));
    INFO(s.err);
    CHECK(s.exit_code == 2);
    CHECK(s.err.find("loops back") != std::string::npos);
    REQUIRE(repo.git("commit -q -m loop").exit_code == 0);
    const auto h = keyfence_within(20, "history " + shell_quote(repo.path().string()));
    INFO(h.err);
    CHECK(h.exit_code == 1);
    CHECK(h.out.find("keys.py") != std::string::npos);
    CHECK(h.err.find("note: loop.py") != std::string::npos);
    CHECK(h.children_max_rss_kb < 1536 * 1024);
}

TEST_CASE("a packed delta whose data never inflates to a delta header: no hang in history or staged") {
    // Found by fuzz_git_objects: for such a delta, libgit2 1.5.1's header read retries forever. The
    // pack holds one OFS_DELTA entry with nothing after its header but the pack's checksum.
    Repo repo;
    repo.write("keys.py", "OPENAI_API_KEY = \"" + openai_project(905) + "\"\n");
    repo.commit("base");
    const std::string victim = "0031c26cb80318f9bcd61227fcc3d02c341f4d0a";  // any id: the pack says it is here
    write_one_entry_pack(repo, victim, "60");  // OFS_DELTA, size 0, then only the pack's checksum
    REQUIRE(repo.git("update-index --add --cacheinfo 100644," + victim + ",delta.py").exit_code == 0);
    const auto s = keyfence_within(20, "staged " + shell_quote(repo.path().string()));
    INFO(s.err);
    CHECK(s.exit_code == 2);
    CHECK(s.err.find("delta.py") != std::string::npos);
    REQUIRE(repo.git("commit -q -m delta").exit_code == 0);
    const auto h = keyfence_within(20, "history --include-unreachable " + shell_quote(repo.path().string()));
    INFO(h.err);
    CHECK(h.exit_code == 1);  // the other key is found; the delta is a note
    CHECK(h.out.find("keys.py") != std::string::npos);
    CHECK(h.err.find("note: delta.py") != std::string::npos);
}
