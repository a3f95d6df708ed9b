#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <hs/hs.h>

#include "match/database_cache.hpp"
#include "match/regex_engine.hpp"
#include "support/engine_helpers.hpp"
#include "support/fake_keys.hpp"
#include "support/run.hpp"

using namespace keyfence;

TEST_CASE("database cache: stored once, loaded back, scans the same") {
    test::TempDir dir;
    const auto rules = rules::load_builtin_rules();
    const auto file = match::cache_file_for(rules, dir.path());
    CHECK_FALSE(std::filesystem::exists(file));
    const scan::Engine built(rules, dir.path());
    REQUIRE(std::filesystem::exists(file));
    const std::string bytes = test::read_text(file);
    const auto loaded = match::CompiledRules::deserialize(bytes, rules.rules.size());
    REQUIRE(loaded.has_value());
    CHECK(std::ranges::equal(loaded->pattern_rules(), built.compiled().pattern_rules()));
    CHECK(loaded->keywords().size() == built.compiled().keywords().size());

    const scan::Engine cached(rules, dir.path());
    const std::string text = "x = '" + test::openai_project(3) + "'\nt = " + test::base62_crc32_token("ghp", 4) + "\n";
    const auto a = test::scan_text(built, text), b = test::scan_text(cached, text);
    REQUIRE(a.size() == 2);
    REQUIRE(b.size() == 2);
    CHECK(a[0].fingerprint == b[0].fingerprint);
    CHECK(a[1].fingerprint == b[1].fingerprint);
}

TEST_CASE("database cache: corrupt or truncated entries are rejected and rebuilt silently") {
    test::TempDir dir;
    const auto rules = rules::load_builtin_rules();
    { const scan::Engine warm(rules, dir.path()); }
    const auto file = match::cache_file_for(rules, dir.path());
    const std::string good = test::read_text(file);
    CHECK_FALSE(match::CompiledRules::deserialize(good.substr(0, good.size() / 2), rules.rules.size()).has_value());
    CHECK_FALSE(match::CompiledRules::deserialize(good, rules.rules.size() + 1).has_value());  // other rules
    std::string flipped = good;
    flipped[flipped.size() - 100] ^= 0x5a;  // inside Hyperscan's bytes
    CHECK_FALSE(match::CompiledRules::deserialize(flipped, rules.rules.size()).has_value());

    std::ofstream(file, std::ios::trunc) << "garbage";
    const scan::Engine rebuilt(rules, dir.path());
    CHECK(test::scan_text(rebuilt, "k=" + test::openai_legacy(5) + "\n").size() == 1);
    CHECK(test::read_text(file) == good);  // and the entry is rewritten
}

TEST_CASE("a changed rule set gets its own cache entry") {
    test::TempDir dir;
    const auto a = rules::parse_rule_text("[[rules]]\nid = \"a\"\nregex = 'aaa_[0-9]{8}'\n", "a", ".");
    const auto b = rules::parse_rule_text("[[rules]]\nid = \"a\"\nregex = 'bbb_[0-9]{8}'\n", "b", ".");
    CHECK(match::cache_file_for(a, dir.path()) != match::cache_file_for(b, dir.path()));
    const scan::Engine ea(a, dir.path()), eb(b, dir.path());
    CHECK(test::scan_text(eb, "bbb_83027491").size() == 1);
    CHECK(test::scan_text(eb, "aaa_83027491").empty());
}

TEST_CASE("database cache: an entry belongs to one engine, version and platform") {
    // Hyperscan and Vectorscan share hs.h and libhs; a database serialized by one must never be handed to
    // the other, whatever their version strings say.
    const auto rules = rules::load_builtin_rules();
    const match::regex_engine::Identity here = match::regex_engine::identity();
    CHECK(here.name == match::regex_engine::name());
    CHECK_FALSE(here.version.empty());
    auto entry = [&](const match::regex_engine::Identity& id) { return match::cache_entry_name(rules, match::regex_engine::cache_tag(id)); };

    // What this binary uses is this engine's entry.
    test::TempDir dir;
    CHECK(match::cache_file_for(rules, dir.path()).filename().string() == entry(here));

    // The same library version and CPU, built as the other engine: another entry.
    auto other = here;
    other.name = here.name == "Vectorscan" ? "Hyperscan" : "Vectorscan";
    CHECK(entry(other) != entry(here));
    auto newer = here;
    newer.version += ".1";
    CHECK(entry(newer) != entry(here));
    auto elsewhere = here;
    elsewhere.platform += "x";
    CHECK(entry(elsewhere) != entry(here));
    // No field can run into the next one (a name ending where a version begins).
    CHECK(match::regex_engine::cache_tag({"ab", "c", "p"}) != match::regex_engine::cache_tag({"a", "bc", "p"}));
}

TEST_CASE("regex engine: the name CMake chose, the library's version in the header's, a --version line") {
    const std::string_view name = match::regex_engine::name();
    CHECK((name == "Hyperscan" || name == "Vectorscan"));
    // A header of one release and a library of another would mean two engines' files mixed on one machine.
    const std::string header = std::to_string(HS_MAJOR) + "." + std::to_string(HS_MINOR) + "." + std::to_string(HS_PATCH);
    CHECK(match::regex_engine::version().rfind(header, 0) == 0);
    CHECK(match::regex_engine::version().back() != ' ');
    const std::string line = match::regex_engine::version_line();
    CHECK(line.rfind("Hyperscan ", 0) == 0);
    CHECK(line.find(std::string(name)) != std::string::npos);
    CHECK(line.find(match::regex_engine::version()) != std::string::npos);
    CHECK_NOTHROW(match::regex_engine::require_supported_platform());
}
