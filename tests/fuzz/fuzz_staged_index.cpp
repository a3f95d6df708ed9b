// fuzz_staged_index: a corrupted git index under `keyfence staged`. A temporary repository (one commit,
// then a modification, an addition, a deletion, a rename and a binary file staged) is made once per
// process; its index is kept in memory in format versions 2 and 4. Each input then patches one of them,
// the index's trailing SHA-1 is recomputed so libgit2 parses past its checksum, and StagedSource
// enumerates the staged changes (diff of HEAD's tree against the index) and reads every staged blob.
// A bad index must end in keyfence::Error (or skipped jobs with diagnostics), never in a crash.
//
// Input layout:   byte 0 = mode, bytes 1-2 = offset (little endian), the rest = bytes to write.
//   mode bit 0    patch the version 4 index instead of version 2
//   mode bit 1    raw: the rest of the input is the whole index body (offset ignored)
//   mode bit 2    cut the body just after the written bytes
//   mode bit 3    --whole-files (no added-lines computation)
//   mode bit 7    keep the stale checksum (exercises libgit2's checksum check only)
// The empty input writes the untouched version 2 index. The header's entry count is kept under 1024 (see below).
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "source/git/staged_source.hpp"
#include "fuzz_support.hpp"

namespace fs = std::filesystem;

namespace {

using keyfence::fuzz::kSha1Size;
using keyfence::fuzz::read_file;
using keyfence::fuzz::run;
using keyfence::fuzz::sha1;

struct Fixture {
    fs::path dir;        // the work tree
    fs::path index;      // dir/.git/index
    std::string v2, v4;  // index bodies without their trailing checksum
};
const Fixture* g_fixture = nullptr;  // heap-held: the atexit cleanup runs after static destruction

const Fixture& fixture() {
    if (g_fixture) return *g_fixture;
    std::string tmpl = (fs::temp_directory_path() / "keyfence-fuzz-index-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) std::abort();
    auto* f = new Fixture{tmpl, fs::path(tmpl) / ".git" / "index", "", ""};
    // No user or system git configuration: the fixture is the same everywhere.
    const std::string git = keyfence::fuzz::git_in(tmpl);
    run(git + "init -q .");
    run("cd '" + tmpl + "' && mkdir -p src docs && printf 'one\\ntwo\\n' > a.txt && printf 'x = 1\\n' > src/b.py && "
        "printf 'gone\\n' > old.txt && printf 'moved unchanged\\n' > docs/moved.md");
    run(git + "add -A && " + git + "commit -q -m base");
    run("cd '" + tmpl + "' && printf 'one\\ntwo\\nthree\\n' > a.txt && printf 'new file\\n' > src/c.txt && "
        "printf 'bin\\000\\001\\002 data\\n' > blob.bin && rm old.txt && mv docs/moved.md docs/renamed.md");
    run(git + "add -A");
    std::string index = read_file(f->index);
    f->v2 = index.substr(0, index.size() - kSha1Size);
    run(git + "update-index --index-version 4");
    index = read_file(f->index);
    f->v4 = index.substr(0, index.size() - kSha1Size);
    g_fixture = f;
    std::atexit([] {
        std::error_code ec;
        fs::remove_all(g_fixture->dir, ec);
    });
    return *g_fixture;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Fixture& fx = fixture();
    const std::uint8_t mode = size > 0 ? data[0] : 0;
    std::string body = (mode & 1) ? fx.v4 : fx.v2;
    const std::string original_sum = sha1(body);
    if (size > 3) {
        const std::string bytes(reinterpret_cast<const char*>(data) + 3, size - 3);
        if (mode & 2) {
            body = bytes;
        } else {
            const std::size_t offset = (static_cast<std::size_t>(data[1]) | static_cast<std::size_t>(data[2]) << 8) % (body.size() + 1);
            if (offset + bytes.size() > body.size()) body.resize(offset + bytes.size());
            body.replace(offset, bytes.size(), bytes);
            if (mode & 4) body.resize(offset + bytes.size());
        }
    }
    // libgit2 sizes its entry tables from the header's entry count (bytes 8-11) before parsing any entry:
    // a count of 2^31 costs a multi-GB allocation, then a clean "invalid entry" error. That is libgit2's
    // behaviour, outside keyfence's reach, and it would stop every run as an out-of-memory; keep the count
    // under 1024 (the fuzzer still controls its low bits).
    if (body.size() >= 12) {
        body[8] = body[9] = 0;
        body[10] = static_cast<char>(body[10] & 0x03);
    }
    {
        std::ofstream out(fx.index, std::ios::binary | std::ios::trunc);
        out << body << ((mode & 0x80) ? original_sum : sha1(body));
        if (!out) std::abort();
    }

    // KEYFENCE_FUZZ_DEBUG=1: print what each input led to (to check that seeds reach the blob reads).
    static const bool debug = std::getenv("KEYFENCE_FUZZ_DEBUG") != nullptr;
    try {
        const keyfence::source::StagedSource source(fx.dir.string(), (mode & 8) != 0, std::uint64_t{1} << 20);
        const auto reader = source.make_reader();
        std::string buffer;
        std::vector<keyfence::Diagnostic> diagnostics;
        for (std::size_t i = 0; i < source.job_count(); ++i) {
            keyfence::Input in;
            if (reader->load(i, buffer, in, diagnostics) == keyfence::source::LoadStatus::kLoaded && in.content.size() > (1u << 20))
                __builtin_trap();  // max_file_size must hold
        }
        std::vector<keyfence::Finding> none;
        source.finish(none);
        if (debug) std::fprintf(stderr, "staged: %zu jobs, %zu notes\n", source.job_count(), diagnostics.size() + source.enumeration_diagnostics().size());
    } catch (const keyfence::Error& e) {
        // unreadable index, object missing: expected
        if (debug) std::fprintf(stderr, "error: %s\n", e.what());
    }
    return 0;
}
