// fuzz_rule_loader: arbitrary bytes as a rule file (.keyfence.toml / .gitleaks.toml).
// The loader must turn any text into a RuleSet or a keyfence::Error naming the problem; a rule set it
// accepts must then compile (Hyperscan database + RE2 confirmers) or fail with keyfence::Error too.
// Anything else (another exception, a crash, a sanitizer report) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "rules/rule_set.hpp"
#include "scan/engine.hpp"

namespace {
// Compiling a fuzzed rule set can be slow (Hyperscan on big bounded repeats); keep each input cheap.
constexpr std::size_t kMaxInput = 4096;
constexpr std::size_t kMaxCompiledRules = 20;  // also skips `[extend] useDefault` (40+ built-in rules)
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > kMaxInput) return -1;  // -1: not added to the corpus
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // `[extend] path` may name any absolute file; reading a device would block or never end.
    if (text.find("/dev") != std::string_view::npos || text.find("/proc") != std::string_view::npos) return -1;

    keyfence::rules::RuleSet rules;
    try {
        // base_dir does not exist: a relative `[extend] path` fails cleanly instead of reading the tree.
        rules = keyfence::rules::parse_rule_text(text, "fuzz.toml", "/nonexistent");
    } catch (const keyfence::Error&) {
        return 0;  // invalid TOML, unknown key, missing id...: expected
    }
    if (rules.rules.size() > kMaxCompiledRules) return 0;
    (void)rules.digest();
    try {
        const keyfence::scan::Engine engine(std::move(rules));  // no cache directory: always compiles
        // What `keyfence rules check` does: every rule's examples and negatives through the real engine
        // (fuzzed regexes and allowlists meet fuzzed inputs), then the input itself.
        keyfence::scan::Worker worker(engine);
        std::vector<keyfence::Finding> findings;
        for (const keyfence::rules::Rule& rule : engine.rules().rules) {
            for (const std::string& s : rule.examples) worker.scan(keyfence::Input{s, "fuzz/example.txt", ""}, findings);
            for (const std::string& s : rule.negatives) worker.scan(keyfence::Input{s, "fuzz/negative.txt", ""}, findings);
        }
        worker.scan(keyfence::Input{text, "fuzz.toml", "0123456789abcdef0123456789abcdef01234567"}, findings);
    } catch (const keyfence::Error&) {
        return 0;  // a regex neither engine accepts: expected
    }
    return 0;
}
