#include "match/regex_engine.hpp"

#include <hs/hs.h>

#include <string>

#include "core/error.hpp"

#ifndef KEYFENCE_REGEX_ENGINE_NAME
#error "KEYFENCE_REGEX_ENGINE_NAME is set by cmake/regex_engine.cmake"
#endif

namespace keyfence::match::regex_engine {

std::string_view name() { return KEYFENCE_REGEX_ENGINE_NAME; }

std::string version() {
    std::string v = hs_version();
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();  // Debian's Vectorscan: "5.4.9 "
    return v;
}

std::string version_line() {
    // "Hyperscan (Vectorscan) …": the line keeps the "Hyperscan " label scripts and tests look for, since
    // Vectorscan stands in for Hyperscan's API.
    if (name() == "Hyperscan") return "Hyperscan " + version();
    return "Hyperscan (" + std::string(name()) + ") " + version();
}

void require_supported_platform() {
    if (hs_valid_platform() != HS_SUCCESS)
        throw Error(std::string(name()) + " " + version() + " cannot run on this CPU (it lacks the instruction set the library was built for)");
}

Identity identity() {
    Identity id{std::string(name()), version(), "unknown"};
    // The fields, not the struct's bytes: its padding is not guaranteed to be zero.
    hs_platform_info_t plat{};
    if (hs_populate_platform(&plat) == HS_SUCCESS)
        id.platform = "tune " + std::to_string(plat.tune) + " features " + std::to_string(plat.cpu_features);
    return id;
}

std::string cache_tag(const Identity& id) { return id.name + '\0' + id.version + '\0' + id.platform; }

}  // namespace keyfence::match::regex_engine
