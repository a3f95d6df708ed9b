#pragma once
// Encoded text worth decoding and scanning again, as a key is often stored: base64 (a Kubernetes Secret, a
// basic-auth header), percent-encoding (a key in a URL or a form body), hex (a key written out as bytes),
// and backslash escapes (\uXXXX in JSON and JavaScript, \xXX in Python and C literals). The engine scans
// what a run decodes to, recursively up to --max-decode-depth, and reports findings at the encoded span.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keyfence::decode {

enum class Encoding : std::uint8_t { kBase64, kPercent, kHex, kEscape };

// The name a finding's `encoding` carries: "base64", "percent", "hex", "escape".
std::string_view encoding_name(Encoding e);

struct EncodedRun {
    std::size_t begin;
    std::size_t end;
    Encoding encoding;
};

// Appends the runs of content that may be encoded text, in order of encoding then position. Runs of
// different encodings may overlap (a hex run inside a base64-alphabet run).
void find_encoded_runs(std::string_view content, std::vector<EncodedRun>& out);

// Decodes one run into out. Returns false (out unspecified) when there is nothing to scan in it: base64 or
// hex that decodes to binary (hashes, images, compressed data), or a run with no valid escape.
bool decode_run(std::string_view run, Encoding encoding, std::string& out);

// Shortest runs worth decoding: the shortest keys are about 16 characters (32 hex digits).
inline constexpr std::size_t kMinBase64Run = 32;
inline constexpr std::size_t kMinHexRun = 32;
inline constexpr std::size_t kMinEscapedRun = 16;

// --max-decode-depth's default, as gitleaks' since 8.30; decoding stops sooner when nothing is left encoded.
inline constexpr unsigned kDefaultDecodeDepth = 5;

}  // namespace keyfence::decode
