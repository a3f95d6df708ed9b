// fuzz_baseline_ignore: arbitrary bytes as a baseline file (--baseline FILE): a keyfence baseline or a
// gitleaks JSON report. Loading must give a Baseline or a keyfence::Error naming the file. Then the
// baseline of a few fixed findings (plus one whose secret is the input) is written, read back, and must
// contain every one of them.
// The same bytes are also parsed as a .keyfenceignore and matched against a few findings.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "report/baseline.hpp"
#include "report/ignore_list.hpp"

namespace {

// One private temporary file per process, rewritten for each input; removed at exit. Heap-held so it
// outlives static destruction (the atexit handler runs after it).
const std::filesystem::path* g_temp = nullptr;

const std::filesystem::path& temp_file() {
    if (!g_temp) {
        std::string tmpl = (std::filesystem::temp_directory_path() / "keyfence-fuzz-baseline-XXXXXX").string();
        const int fd = mkstemp(tmpl.data());
        if (fd < 0) std::abort();
        close(fd);
        g_temp = new std::filesystem::path(tmpl);
        std::atexit([] { unlink(g_temp->c_str()); });
    }
    return *g_temp;
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) std::abort();
}

keyfence::Finding finding(std::string rule_id, std::string secret, std::string fingerprint) {
    keyfence::Finding f;
    f.rule_id = std::move(rule_id);
    f.secret = std::move(secret);
    f.fingerprint = std::move(fingerprint);
    return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);

    // 0. The fuzzed bytes as a .keyfenceignore: every non-comment line is an entry; matching must not crash.
    const keyfence::report::IgnoreList ignore = keyfence::report::IgnoreList::parse(bytes);
    keyfence::Finding probe = finding("rule", "secret", std::string(bytes.substr(0, 32)));
    probe.path = "a/b.txt";
    (void)ignore.ignores(probe);

    // 1. The fuzzed bytes as a baseline.
    write_file(temp_file(), bytes);
    try {
        const keyfence::report::Baseline baseline = keyfence::report::Baseline::load(temp_file());
        (void)baseline.size();
        (void)baseline.contains(finding("fuzz-rule", std::string(bytes), "00112233445566778899aabbccddeeff"));
    } catch (const keyfence::Error&) {
        // invalid JSON, or neither format: expected
    }

    // 2. A baseline we write must load and hold what it was written from. The secret of the last
    // finding is the input (baselines store only its SHA-256, so any bytes are fine).
    const std::vector<keyfence::Finding> findings = {
        finding("generic-api-key", "placeholder-one", "0123456789abcdef0123456789abcdef"),
        finding("generic-api-key", "placeholder-one", "0123456789abcdef0123456789abcdef"),  // duplicate
        finding("github-pat", "", "fedcba9876543210fedcba9876543210"),                        // no secret
        finding("fuzz-rule", std::string(bytes), "00112233445566778899aabbccddeeff"),
    };
    write_file(temp_file(), keyfence::report::baseline_text(findings));
    const keyfence::report::Baseline round_trip = keyfence::report::Baseline::load(temp_file());
    for (const keyfence::Finding& f : findings)
        if (!round_trip.contains(f)) __builtin_trap();
    return 0;
}
