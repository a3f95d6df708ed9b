#include "core/stop.hpp"

namespace keyfence {

std::atomic<bool>& stop_requested() {
    static std::atomic<bool> flag{false};
    return flag;
}

}  // namespace keyfence
