#include "confirm/checks/checksum.hpp"

#include <array>
#include <string>

#include "core/digest.hpp"

namespace keyfence::confirm {

bool passes_base62_crc32(std::string_view secret) {
    const std::size_t us = secret.rfind('_');
    if (us == std::string_view::npos) return false;
    const std::string_view body = secret.substr(us + 1);
    if (body.size() != 36) return false;
    static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::uint32_t crc = crc32_of(body.substr(0, 30));
    std::array<char, 6> digits;
    digits.fill('0');
    for (int i = 5; i >= 0 && crc != 0; --i) {
        digits[static_cast<std::size_t>(i)] = kAlphabet[crc % 62];
        crc /= 62;
    }
    if (crc != 0) return false;  // never: 62^6 > 2^32
    return body.substr(30) == std::string_view(digits.data(), digits.size());
}

bool is_known_checksum(std::string_view name) { return name == "github-crc32" || name == "npm-crc32"; }

bool passes_checksum(std::string_view name, std::string_view secret) {
    if (name == "github-crc32" || name == "npm-crc32") return passes_base62_crc32(secret);
    return true;  // unknown names are rejected when rules load
}

}  // namespace keyfence::confirm
