// fuzz_scan: an arbitrary buffer through the whole scanning path with the built-in rules: Hyperscan
// matching, RE2 confirmation (checksums, entropy, placeholders, allowlists), line mapping, base64 runs
// decoded and rescanned, archives (zip/tar/gzip/bzip2/xz magic) opened member by member, then every
// report format. Nothing here may throw: a scan turns damaged content into diagnostics.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string_view>
#include <vector>

#include "report/reporter.hpp"
#include "rules/rule_set.hpp"
#include "scan/engine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Compiled once per process (~120 ms, more under ASan); Engine is immutable and shared like in a scan.
    static const keyfence::scan::Engine engine(keyfence::rules::load_builtin_rules());
    static keyfence::scan::Worker worker(engine);

    const std::string_view content(reinterpret_cast<const char*>(data), size);
    std::vector<keyfence::Finding> findings;
    worker.scan(keyfence::Input{content, "fuzz.bin", ""}, findings);
    worker.diagnostics().clear();  // archive notes would otherwise pile up across runs

    std::sort(findings.begin(), findings.end(), keyfence::finding_less);
    for (const keyfence::Finding& f : findings) {
        // A plain finding's offset must point at its secret in the input (base64 finds point at the
        // encoded span; archive members, named "fuzz.bin!member", have offsets of their own).
        if (f.path != "fuzz.bin" || !f.encoding.empty()) continue;
        if (f.offset + f.secret.size() > size || content.substr(f.offset, f.secret.size()) != f.secret) __builtin_trap();
        if (f.line == 0 || f.column == 0 || f.end_line < f.line) __builtin_trap();
    }

    // Every format on the findings: masking, escaping and invalid UTF-8 from binary content.
    for (std::string_view format : {"text", "json", "jsonl", "csv", "sarif", "junit", "filter-repo"}) {
        keyfence::report::ReportOptions options;
        options.color = format == "text";
        options.tool_version = "fuzz";
        std::ostringstream out;
        keyfence::report::make_reporter(format, options)->write(findings, out);
    }
    keyfence::report::ReportOptions partial;
    partial.secrets = {keyfence::report::SecretDisplay::kPartial, 30};
    std::ostringstream out;
    keyfence::report::make_reporter("text", partial)->write(findings, out);
    return 0;
}
