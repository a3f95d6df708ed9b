#include "core/read_buffer.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <new>

namespace keyfence {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

}  // namespace

ReadBuffer::~ReadBuffer() {
    if (data_) ::munmap(data_, capacity_);
}

char* ReadBuffer::reserve(std::size_t n) {
    if (n <= capacity_) return data_;
    // Whole huge pages, aligned to one: map a huge page more than needed and unmap the ends.
    const std::size_t want = round_up(std::max({n, capacity_ * 2, kHugePage}), kHugePage);
    void* raw = ::mmap(nullptr, want + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    auto* base = static_cast<char*>(raw);
    char* aligned = reinterpret_cast<char*>(round_up(reinterpret_cast<std::uintptr_t>(base), kHugePage));
    if (aligned > base) ::munmap(base, static_cast<std::size_t>(aligned - base));
    if (const std::size_t tail = static_cast<std::size_t>(base + want + kHugePage - (aligned + want))) ::munmap(aligned + want, tail);
#ifdef MADV_HUGEPAGE
    ::madvise(aligned, want, MADV_HUGEPAGE);  // advice only: without huge pages it still works, just faults more
#endif
    if (data_) ::munmap(data_, capacity_);
    data_ = aligned;
    capacity_ = want;
    return data_;
}

}  // namespace keyfence
