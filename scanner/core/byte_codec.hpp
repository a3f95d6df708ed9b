#pragma once
// ByteWriter / ByteReader: the little binary format of keyfence's packed data (the rule-database cache,
// the built-in rule pack). Native-endian fixed-width integers and length-prefixed byte strings; the
// reader never reads past its input and reports malformed data as false.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace keyfence {

class ByteWriter {
public:
    void u32(std::uint32_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
    void u64(std::uint64_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
    void bytes(std::string_view s) {
        u64(s.size());
        out_.append(s);
    }
    void raw(std::string_view s) { out_.append(s); }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

class ByteReader {
public:
    explicit ByteReader(std::string_view in) : in_(in) {}
    bool u32(std::uint32_t& v) { return raw(&v, sizeof v); }
    bool u64(std::uint64_t& v) { return raw(&v, sizeof v); }
    bool bytes(std::string_view& s) {
        std::uint64_t n = 0;
        if (!u64(n) || n > in_.size() - pos_) return false;
        s = in_.substr(pos_, n);
        pos_ += n;
        return true;
    }
    bool string(std::string& s) {
        std::string_view v;
        if (!bytes(v)) return false;
        s.assign(v);
        return true;
    }
    // A count of items still to be read, each at least min_item_size bytes: rejects absurd counts
    // before anything is allocated for them.
    bool count(std::uint32_t& n, std::size_t min_item_size = 1) {
        return u32(n) && static_cast<std::uint64_t>(n) * min_item_size <= in_.size() - pos_;
    }
    bool done() const { return pos_ == in_.size(); }

private:
    bool raw(void* dst, std::size_t n) {
        if (in_.size() - pos_ < n) return false;
        std::memcpy(dst, in_.data() + pos_, n);
        pos_ += n;
        return true;
    }
    std::string_view in_;
    std::size_t pos_ = 0;
};

}  // namespace keyfence
