#include <doctest/doctest.h>

#include "core/line_index.hpp"

using namespace keyfence;

TEST_CASE("line index maps offsets to 1-based line and column") {
    const std::string_view text = "first\nsecond line\r\nthird";
    LineIndex idx(text);
    CHECK(idx.locate(0).line == 1);
    CHECK(idx.locate(0).column == 1);
    CHECK(idx.locate(6).line == 2);
    CHECK(idx.locate(13).column == 8);  // 'l' of "line"
    CHECK(idx.locate(19).line == 3);
    CHECK(idx.line_at(8) == "second line");  // CRLF: the '\r' is not part of the line
    CHECK(idx.line_at(20) == "third");       // last line without a newline
    CHECK(idx.line_at(2) == "first");
}

TEST_CASE("line index on empty content and a trailing newline") {
    LineIndex empty("");
    CHECK(empty.locate(0).line == 1);
    CHECK(empty.line_at(0).empty());
    LineIndex one("abc\n");
    CHECK(one.locate(4).line == 2);
    CHECK(one.line_at(1) == "abc");
}
