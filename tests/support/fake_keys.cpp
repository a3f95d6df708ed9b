#include "support/fake_keys.hpp"

#include <random>

#include "core/digest.hpp"

namespace keyfence::test {

std::string random_chars(const std::string& alphabet, std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 17);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(alphabet[pick(rng)]);
    return out;
}

std::string openai_marker() { return std::string("T3Blbk") + "FJ"; }

std::string openai_legacy(std::uint64_t seed) {
    const std::string alnum = kBase62;
    return std::string("sk") + "-" + random_chars(alnum, 20, seed) + openai_marker() + random_chars(alnum, 20, seed + 100);
}

std::string openai_project(std::uint64_t seed) {
    return std::string("sk-") + "proj-" + random_chars(kUrlSafe, 74, seed) + openai_marker() + random_chars(kUrlSafe, 74, seed + 100);
}

std::string anthropic_api03(std::uint64_t seed) {
    return std::string("sk-") + "ant-" + "api03-" + random_chars(kUrlSafe, 93, seed) + "A" + "A";
}

std::string base62_crc32_token(const std::string& prefix, std::uint64_t seed, bool valid_checksum) {
    const std::string body = random_chars(kBase62, 30, seed);
    std::uint32_t crc = crc32_of(body) + (valid_checksum ? 0 : 1);
    std::string check(6, '0');
    for (int i = 5; i >= 0 && crc; --i, crc /= 62) check[static_cast<std::size_t>(i)] = kBase62[crc % 62];
    return prefix + "_" + body + check;
}

std::string aws_access_key_id(std::uint64_t seed) { return std::string("AK") + "IA" + random_chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, seed); }

std::string openrouter(std::uint64_t seed) { return std::string("sk-or") + "-v1-" + random_chars("0123456789abcdef", 64, seed); }

std::string stripe_live_secret(std::uint64_t seed) { return std::string("sk_") + "live_" + random_chars(kBase62, 32, seed); }

std::string base64_encode(std::string_view in) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = static_cast<unsigned char>(in[i]) << 16 | static_cast<unsigned char>(in[i + 1]) << 8 | static_cast<unsigned char>(in[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
    }
    if (i < in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

}  // namespace keyfence::test
