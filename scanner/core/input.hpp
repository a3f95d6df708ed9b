#pragma once
// One thing to scan: a file, a blob or standard input, already in memory.
#include <string>
#include <string_view>

namespace keyfence {

struct Input {
    std::string_view content;
    std::string path;    // shown in reports; matched by path rules and allowlists
    std::string commit;  // commit id in history scans (allowlist `commits`), else empty
};

}  // namespace keyfence
