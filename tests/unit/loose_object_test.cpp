// read_loose / salvage_loose: the checks that stand between a repository's bytes and libgit2.
#include <doctest/doctest.h>

#include <string>

#include "source/git/loose_object.hpp"
#include "support/deflate.hpp"

using namespace keyfence::source;
using keyfence::test::zlib_compress;

namespace {
std::string object(const std::string& header, const std::string& body) { return zlib_compress(header + std::string(1, '\0') + body); }
}  // namespace

TEST_CASE("an intact loose object reads whole, with its type") {
    const LooseObject o = read_loose(object("tree 5", "abcde"));
    CHECK(o.damage == LooseDamage::kNone);
    CHECK(o.type == GIT_OBJECT_TREE);
    CHECK(o.body == "abcde");
    CHECK(o.trailing == 0);
    CHECK(read_loose(object("blob 0", "")).damage == LooseDamage::kNone);
}

TEST_CASE("a loose object cut at any byte is damaged, never read as whole") {
    const std::string file = object("blob 40", std::string(40, 'q'));
    for (std::size_t keep = 0; keep < file.size(); ++keep) {
        INFO("kept " << keep << " of " << file.size());
        const LooseObject o = read_loose(file.substr(0, keep));
        CHECK(o.damage != LooseDamage::kNone);
        CHECK(inflate_loose_header(file.substr(0, keep)).body.empty());
    }
}

TEST_CASE("a header that understates or overstates the size is a mismatch; salvage still returns the content") {
    const std::string body(100, 'z');
    const LooseObject under = read_loose(object("blob 12", body));
    CHECK(under.damage == LooseDamage::kSizeMismatch);
    CHECK(under.body.size() <= 13);  // stopped as soon as the body outgrew its header
    CHECK(under.describe() == "its header says 12 bytes but the content is longer");
    CHECK(read_loose(object("blob 999", body)).damage == LooseDamage::kSizeMismatch);
    const LooseObject salvaged = salvage_loose(object("blob 12", body), 1 << 20);
    CHECK(salvaged.body == body);
    CHECK(salvage_loose(object("blob 12", body), 50).body.size() == 50);  // bounded by the limit
    CHECK(inflate_loose_header(object("blob 12", body)).declared_size == 12);
}

TEST_CASE("malformed headers and streams") {
    for (const char* header : {"blob", "blob ", "blob 012", "blob -1", "blob 1x", "bolb 3", "blob 99999999999999999999999"}) {
        INFO(header);
        CHECK(read_loose(object(header, "abc")).damage == LooseDamage::kBadHeader);
    }
    CHECK(read_loose(zlib_compress(std::string(200, 'x'))).damage == LooseDamage::kBadHeader);  // no NUL at all
    CHECK(read_loose("not zlib at all").damage == LooseDamage::kBadZlib);
    CHECK(read_loose("").damage != LooseDamage::kNone);
}

TEST_CASE("bytes after a valid stream are counted, and the object is still read") {
    const LooseObject o = read_loose(object("blob 3", "abc") + "GARBAGE");
    CHECK(o.damage == LooseDamage::kNone);
    CHECK(o.body == "abc");
    CHECK(o.trailing == 7);
    CHECK(o.describe() == "7 bytes after the end of its zlib stream");
}
