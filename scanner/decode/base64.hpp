#pragma once
// Base64-encoded content (Kubernetes Secret manifests, basic-auth headers, config blobs) is decoded once
// and scanned again; findings point at the encoded span.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyfence::decode {

// Appends the [begin, end) ranges of maximal runs of base64 characters (A-Z a-z 0-9 + /, padding not
// included) at least min_run long. A run of 2*16 characters covers a whole aligned 16-byte block, so only
// blocks are probed, most text blocks fail within a few bytes, and only hits are extended.
void find_base64_runs(std::string_view content, std::size_t min_run, std::vector<std::pair<std::size_t, std::size_t>>& out);

// Decodes a run of standard base64 into out. Returns false (out unspecified) when the run is not worth a
// scan: all hex digits (a hash, not base64), or decoding to something that is not mostly printable text
// (images, compressed data, random bytes: no key to find there).
bool decode_base64_text(std::string_view run, std::string& out);

// At least 90% printable ASCII or whitespace: decoded bytes worth scanning.
bool mostly_text(std::string_view s);

}  // namespace keyfence::decode
