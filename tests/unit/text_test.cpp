#include <doctest/doctest.h>

#include <string>

#include "core/text.hpp"

using namespace keyfence;

TEST_CASE("shannon entropy: uniform alphabets give log2 of their size") {
    CHECK(shannon_entropy("") == 0.0);
    CHECK(shannon_entropy("aaaaaaaa") == 0.0);
    CHECK(shannon_entropy("abababab") == doctest::Approx(1.0));
    CHECK(shannon_entropy("0123456789abcdef") == doctest::Approx(4.0));
}

TEST_CASE("case-insensitive search and lowering are ASCII only") {
    CHECK(contains_icase("export DeepSeek_KEY=1", "deepseek"));
    CHECK_FALSE(contains_icase("deep seek", "deepseek"));
    CHECK(to_lower("SK-Proj-ÄB") == "sk-proj-Äb");
}

TEST_CASE("binary detection follows git: a NUL in the first 8000 bytes") {
    CHECK_FALSE(looks_binary("plain text\n"));
    CHECK(looks_binary(std::string("ab\0cd", 5)));
    std::string late(9000, 'a');
    late[8500] = '\0';
    CHECK_FALSE(looks_binary(late));
}
