#pragma once
// ReadBuffer: one thread's grow-only buffer for whole files. A std::string sized per file zero-fills
// every byte before read() overwrites it, and each time it grows to a larger file the kernel faults in
// and zeroes fresh 4 KiB pages (about 13 µs each on a VM: growing to a 13 MB file cost ~85 ms, a sixth
// of a 183 MB scan). This buffer is never zero-filled by us, only grows, and asks for transparent huge
// pages, so growing by 13 MB takes a handful of faults instead of 3,000+.
#include <cstddef>

namespace keyfence {

class ReadBuffer {
public:
    ReadBuffer() = default;
    ~ReadBuffer();
    ReadBuffer(const ReadBuffer&) = delete;
    ReadBuffer& operator=(const ReadBuffer&) = delete;

    // At least n writable bytes; earlier contents are not kept when it grows. Throws std::bad_alloc.
    char* reserve(std::size_t n);
    std::size_t capacity() const { return capacity_; }

private:
    char* data_ = nullptr;
    std::size_t capacity_ = 0;
};

}  // namespace keyfence
