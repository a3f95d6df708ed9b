#pragma once
// Build an engine from rule text and scan a string with it, for unit tests.
#include <string>
#include <vector>

#include "rules/rule_set.hpp"
#include "scan/engine.hpp"

namespace keyfence::test {

inline scan::Engine engine_of(const std::string& toml) { return scan::Engine(rules::parse_rule_text(toml, "t.toml", ".")); }

inline std::vector<Finding> scan_text(const scan::Engine& engine, std::string_view text, const std::string& path = "f.txt",
                                      confirm::SuppressionCounts* counts = nullptr, unsigned max_decode_depth = decode::kDefaultDecodeDepth) {
    scan::Worker worker(engine, max_decode_depth);
    std::vector<Finding> out;
    worker.scan(Input{text, path, ""}, out);
    if (counts) *counts = worker.suppressed();
    return out;
}

inline const scan::Engine& builtin_engine() {
    static const scan::Engine engine(rules::load_builtin_rules());
    return engine;
}

}  // namespace keyfence::test
