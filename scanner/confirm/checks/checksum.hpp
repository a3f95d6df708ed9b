#pragma once
// Offline validity checks for token formats that carry a checksum. A token that fails its check is a
// random-looking string of the right shape, not a key, and is not reported.
#include <string_view>

namespace keyfence::confirm {

// True when `name` is a check keyfence knows (rule files name it in `checksum = "..."`).
bool is_known_checksum(std::string_view name);

// True when secret passes the named check.
bool passes_checksum(std::string_view name, std::string_view secret);

// GitHub (2021) and npm token scheme: PREFIX_ + 30 base62 chars + 6 chars holding CRC32 of those 30,
// base62-encoded (alphabet 0-9A-Za-z), most significant digit first, left-padded with '0'.
bool passes_base62_crc32(std::string_view secret);

}  // namespace keyfence::confirm
