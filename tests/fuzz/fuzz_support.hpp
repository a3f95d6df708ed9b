#pragma once
// Set-up shared by the fuzz targets that build a git repository on disk once per process.
#include <mbedtls/sha1.h>
#include <mbedtls/version.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace keyfence::fuzz {

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_file(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
    if (!out) std::abort();
}

// Runs a set-up command; a fuzz target whose fixture cannot be made must not fuzz anything.
inline void run(const std::string& command) {
    if (std::system(command.c_str()) != 0) {
        std::fprintf(stderr, "fuzz set-up failed: %s\n", command.c_str());
        std::abort();
    }
}

// "cd DIR && git" without the user's or the system's configuration, so the fixture is the same everywhere.
inline std::string git_in(const std::string& dir) {
    return "cd '" + dir + "' && GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=.git/no-global-config git -c user.name=fuzz "
                          "-c user.email=fuzz@example.invalid -c commit.gpgsign=false -c init.defaultBranch=main ";
}

constexpr std::size_t kSha1Size = 20;

inline std::string sha1(const std::string& bytes) {
    unsigned char md[kSha1Size];
    const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
#if MBEDTLS_VERSION_MAJOR >= 3
    if (mbedtls_sha1(in, bytes.size(), md) != 0) std::abort();
#else
    if (mbedtls_sha1_ret(in, bytes.size(), md) != 0) std::abort();
#endif
    return std::string(reinterpret_cast<const char*>(md), sizeof md);
}

}  // namespace keyfence::fuzz
