// fuzz_git_objects: arbitrary bytes as a git object, through `keyfence history` and `keyfence staged`.
// libgit2 1.5.1 loops forever on some truncated loose objects and overflows the heap on others; this
// target checks that keyfence's checked object database (source/git/checked_odb) leaves no such state
// reachable, for loose objects and for pack entries alike.
//
// A repository is made once per process: HEAD's commit has a.txt and victim.txt, and the index stages
// a change to victim.txt. Both victim.txt blobs (committed and staged) have the fixed id kVictim, and
// each input becomes that object:
//   byte 0 bit 0 = 0   loose: the rest of the input is the object file (zlib of "blob N\0...")
//   byte 0 bit 0 = 1   packed: the rest is one pack entry (its type/size header, then its data, which
//                      may be a delta against an offset or an id), in a pack with a valid index
// Then HistorySource walks every ref (and unreachable objects) and reads each blob, and StagedSource
// diffs the index against HEAD and reads the staged blobs. Errors are expected; crashes, hangs (the
// fuzzer's -timeout) and out-of-bounds accesses are what it looks for.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "source/git/history_source.hpp"
#include "source/git/staged_source.hpp"

namespace fs = std::filesystem;
using namespace keyfence::fuzz;

namespace {

// git hash-object of "print('hello from the fuzzer')\n": the seeds hold this object, intact and cut.
constexpr const char* kVictim = "0031c26cb80318f9bcd61227fcc3d02c341f4d0a";

struct Fixture {
    fs::path dir;
    fs::path loose;  // .git/objects/xx/yyyy… of kVictim
    fs::path pack_dir;
};
const Fixture* g_fixture = nullptr;

const Fixture& fixture() {
    if (g_fixture) return *g_fixture;
    std::string tmpl = (fs::temp_directory_path() / "keyfence-fuzz-objects-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) std::abort();
    const std::string victim = kVictim;
    auto* f = new Fixture{tmpl, fs::path(tmpl) / ".git" / "objects" / victim.substr(0, 2) / victim.substr(2),
                          fs::path(tmpl) / ".git" / "objects" / "pack"};
    const std::string git = git_in(tmpl);
    run(git + "init -q . && printf 'one\\n' > a.txt && " + git + "add a.txt && " + git + "commit -q -m base");
    // A second commit whose tree names victim.txt -> kVictim, which need not exist (--missing), and the
    // same blob staged at a second path, so history and staged both read it.
    run(git + "read-tree HEAD && " + git + "update-index --add --cacheinfo 100644," + victim + ",victim.txt && " + git +
        "update-ref refs/heads/main $(" + git + "commit-tree $(" + git + "write-tree --missing-ok) -p HEAD -m victim) && " + git +
        "update-index --add --cacheinfo 100644," + victim + ",staged-victim.txt");
    fs::create_directories(f->loose.parent_path());
    g_fixture = f;
    std::atexit([] {
        std::error_code ec;
        fs::remove_all(g_fixture->dir, ec);
    });
    return *g_fixture;
}

void put_be32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// A version 2 pack holding one entry (the input), and its version 2 index naming it kVictim at offset 12.
void write_pack(const Fixture& fx, const std::string& entry) {
    std::string pack = "PACK";
    put_be32(pack, 2);
    put_be32(pack, 1);
    pack += entry;
    const std::string pack_sum = sha1(pack);
    pack += pack_sum;

    git_oid oid;
    git_oid_fromstr(&oid, kVictim);
    std::string idx = "\377tOc";
    put_be32(idx, 2);
    for (int i = 0; i < 256; ++i) put_be32(idx, i >= oid.id[0] ? 1 : 0);  // fan-out: cumulative counts
    idx.append(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ);
    put_be32(idx, 0);   // CRC-32 (libgit2 checks it only when verifying a pack)
    put_be32(idx, 12);  // offset of the entry
    idx += pack_sum;
    idx += sha1(idx);
    const std::string name = "pack-" + std::string(kVictim);
    write_file(fx.pack_dir / (name + ".pack"), pack);
    write_file(fx.pack_dir / (name + ".idx"), idx);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Fixture& fx = fixture();
    const bool packed = size > 0 && (data[0] & 1);
    const std::string bytes = size > 1 ? std::string(reinterpret_cast<const char*>(data) + 1, size - 1) : std::string();
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fx.pack_dir, ec)) fs::remove(e.path(), ec);
    fs::remove(fx.loose, ec);
    if (packed) write_pack(fx, bytes);
    else write_file(fx.loose, bytes);

    constexpr std::uint64_t kMax = std::uint64_t{1} << 20;
    auto read_all = [&](const keyfence::source::Source& source) {
        const auto reader = source.make_reader();
        std::string buffer;
        std::vector<keyfence::Diagnostic> diagnostics;
        for (std::size_t i = 0; i < source.job_count(); ++i) {
            keyfence::Input in;
            if (reader->load(i, buffer, in, diagnostics) == keyfence::source::LoadStatus::kLoaded && in.content.size() > kMax)
                __builtin_trap();  // max_file_size must hold, salvaged content included
        }
    };
    try {
        keyfence::source::HistoryOptions options;
        options.include_unreachable = true;
        options.max_file_size = kMax;
        const keyfence::source::HistorySource history(fx.dir.string(), options);
        read_all(history);
    } catch (const keyfence::Error&) {
    }
    try {
        const keyfence::source::StagedSource staged(fx.dir.string(), false, kMax);
        read_all(staged);  // a damaged staged blob throws: the gate blocks the commit
    } catch (const keyfence::Error&) {
    }
    return 0;
}
