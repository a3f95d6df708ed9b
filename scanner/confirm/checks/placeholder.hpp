#pragma once
// Placeholders are not secrets: "sk-proj-xxxxxxxx…", "your-api-key-here", "${OPENAI_API_KEY}",
// "abcdef123456…". Applied to every rule's secret after its regex matched, so rule files need not repeat
// the same allowlist. The checks are chosen so a random key trips them with negligible probability
// (runs of 6 equal or consecutive characters in a random base62 string: ~1e-7 per key).
#include <string_view>

namespace keyfence::confirm {

bool looks_like_placeholder(std::string_view secret);

}  // namespace keyfence::confirm
