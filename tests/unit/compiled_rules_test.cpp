#include <doctest/doctest.h>

#include "core/error.hpp"
#include "match/binary_rules.hpp"
#include "match/matcher.hpp"
#include "support/engine_helpers.hpp"

using namespace keyfence;
using match::PatternMode;

TEST_CASE("every rule rides one database; Hyperscan-hostile regexes fall back instead of being dropped") {
    const auto engine = test::engine_of(R"(
[[rules]]
id = "plain"
regex = '''tok_[a-z0-9]{16}'''
[[rules]]
id = "embedded-anchor"
regex = '''(?m)big_[a-z]{10}$\s+end_'''
keywords = ["big_"]
[[rules]]
id = "unicode-class"
regex = '''uni_\p{Greek}{4}'''
keywords = ["uni_"]
[[rules]]
id = "named-group"
regex = '''(?P<secret>ng_[0-9]{8})'''
[[rules]]
id = "ungreedy-no-keywords"
regex = '''(?U)ung_[0-9]{6,}'''
)");
    const auto& cr = engine.compiled();
    CHECK(cr.rule_info(0).mode == PatternMode::kExact);
    CHECK(cr.rule_info(1).mode == PatternMode::kKeywords);  // Hyperscan: embedded end anchors
    CHECK_FALSE(cr.rule_info(1).note.empty());
    CHECK(cr.rule_info(2).mode == PatternMode::kKeywords);  // Unicode classes: RE2 in UTF-8 decides
    CHECK(cr.rule_info(3).mode == PatternMode::kExact);     // (?P<name>...) rewritten for Hyperscan
    CHECK(cr.rule_info(4).mode == PatternMode::kEveryInput);

    // Each still finds its secrets.
    const std::string text = "a tok_q7w2e9r4t1y8u3i6 b big_qwhzkrmvpd\n  end_ c uni_αβγδ d ng_83920571 e ung_9402718\n";
    const auto found = test::scan_text(engine, text);
    std::vector<std::string> ids;
    for (const auto& f : found) ids.push_back(f.rule_id);
    CHECK(ids == std::vector<std::string>{"plain", "embedded-anchor", "unicode-class", "named-group", "ungreedy-no-keywords"});
    REQUIRE(found.size() == 5);
    CHECK(found[4].secret == "ung_940271");  // RE2's ungreedy semantics, not Hyperscan's
}

TEST_CASE("a regex that can match the empty string is rejected with the rule's name") {
    CHECK_THROWS_WITH_AS(test::engine_of("[[rules]]\nid = \"empty\"\nregex = 'a*'\n"), doctest::Contains("'empty'"), Error);
}

TEST_CASE("an invalid regex names the rule and RE2's message") {
    CHECK_THROWS_WITH_AS(test::engine_of("[[rules]]\nid = \"broken\"\nregex = 'abc(def'\n"), doctest::Contains("rule 'broken'"), Error);
}

TEST_CASE("the matcher merges nearby hits of one rule into few clusters") {
    const auto engine = test::engine_of("[[rules]]\nid = \"t\"\nregex = '''tok_[a-z]{4,}'''\n");
    match::Matcher m(engine.compiled());
    std::string text;
    for (int i = 0; i < 100000; ++i) text += "tok_qzkvmwhr ";
    m.scan(text);
    CHECK(m.raw_matches().size() < 10);  // 1.3 MB of hits, each cluster at most 1 MB
    CHECK(test::scan_text(engine, text).size() == 100000);  // and confirmation still finds every one
}

TEST_CASE("binary content: a rule keeps its prefix but drops the word boundaries only when the prefix is unmistakable") {
    using match::binary_regex;
    CHECK(binary_regex(R"(\b(sk-ant-api03-[A-Za-z0-9_-]{93}AA)(?:[^A-Za-z0-9_-]|$))") == R"((sk-ant-api03-[A-Za-z0-9_-]{93}AA))");
    CHECK(binary_regex(R"(\b((?:AKIA|ABIA|ACCA)[A-Z2-7]{16})\b)") == R"(((?:AKIA|ABIA|ACCA)[A-Z2-7]{16}))");
    CHECK(binary_regex(R"(\b((?:sk|rk)_live_[A-Za-z0-9]{24,247})(?:[^A-Za-z0-9_-]|$))") == R"(((?:sk|rk)_live_[A-Za-z0-9]{24,247}))");
    CHECK(binary_regex(R"(\b(EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22})(?:[^A-Za-z0-9_-]|$))") ==
          R"((EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22}))");
    // Unchanged: a short prefix, a quantified last prefix character, an alternative without a prefix,
    // a context rule, something after the group other than a boundary.
    for (const char* kept : {R"(\b(hf_[A-Za-z]{34})(?:[^A-Za-z0-9_-]|$))", R"(\b(abc?[a-z]{30})\b)", R"(\b(sk_live_[a-z]{30}|[a-f0-9]{40})\b)",
                             R"((?i)deepseek[^\n]{0,40}\b(sk-[a-f0-9]{32}))", R"(\b(?:AKIA|ASIA)[A-Z2-7]{16}\b[\s\S]{0,300}?([A-Za-z0-9/+]{40}))",
                             R"(\b(ghp_[A-Za-z0-9]{36})["'])", R"(\b((?:ab|cd)?efgh[0-9]{20})\b)"})
        CHECK_MESSAGE(binary_regex(kept) == kept, kept);
    // Every rule of the catalog still compiles for binary content.
    const auto variant = match::binary_variant(rules::load_builtin_rules());
    REQUIRE(variant.has_value());
    CHECK_NOTHROW(match::CompiledRules::build(*variant));
}
