#pragma once
// zlib-compressed bytes, as git stores loose objects, for tests that write objects by hand.
#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

namespace keyfence::test {

inline std::string zlib_compress(const std::string& raw) {
    uLongf n = compressBound(static_cast<uLong>(raw.size()));
    std::string out(n, '\0');
    REQUIRE(compress(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size())) == Z_OK);
    out.resize(n);
    return out;
}

}  // namespace keyfence::test
