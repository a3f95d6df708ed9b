#pragma once
// RAII handles and the single status check for Hyperscan.
#include <hs/hs.h>

#include <memory>
#include <string>

#include "core/error.hpp"

namespace keyfence {

struct HsDatabaseDeleter {
    void operator()(hs_database_t* db) const noexcept { hs_free_database(db); }
};
struct HsScratchDeleter {
    void operator()(hs_scratch_t* s) const noexcept { hs_free_scratch(s); }
};
struct HsCompileErrorDeleter {
    void operator()(hs_compile_error_t* e) const noexcept { hs_free_compile_error(e); }
};
using HsDatabase = std::unique_ptr<hs_database_t, HsDatabaseDeleter>;
using HsScratch = std::unique_ptr<hs_scratch_t, HsScratchDeleter>;
using HsCompileError = std::unique_ptr<hs_compile_error_t, HsCompileErrorDeleter>;

// Throws keyfence::Error naming what failed when a Hyperscan call does not return HS_SUCCESS.
inline void check_hs(hs_error_t status, const char* what) {
    if (status != HS_SUCCESS) throw Error(std::string("hyperscan: ") + what + " failed (status " + std::to_string(status) + ")");
}

}  // namespace keyfence
