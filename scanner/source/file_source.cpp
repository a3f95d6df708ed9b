#include "source/file_source.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "core/read_buffer.hpp"
#include "core/stop.hpp"

namespace keyfence::source {
namespace fs = std::filesystem;

namespace {

std::string display(const fs::path& p) {
    std::string s = p.lexically_normal().generic_string();
    return s.empty() ? "." : s;
}

class FileReader : public Reader {
public:
    FileReader(const std::vector<std::string>& files, std::uint64_t max) : files_(files), max_(max) {}

    LoadStatus load(std::size_t index, std::string& buffer, Input& in, std::vector<Diagnostic>& diags) override {
        const std::string& path = files_[index];
        in.path = path;
        in.commit.clear();
        if (path == FileSource::kStdinName) {
            if (!read_all(STDIN_FILENO, buffer)) return skip(diags, path, fmt::format("cannot read: {}", std::strerror(errno)));
            if (buffer.size() > max_) return too_big(diags, path, buffer.size());
            in.content = buffer;
            return LoadStatus::kLoaded;
        }
        int fd;
        do fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // blocks on a FIFO until a writer comes
        while (fd < 0 && errno == EINTR && !stop_requested());
        if (fd < 0) return skip(diags, path, fmt::format("cannot open: {}", std::strerror(errno)));
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            return skip(diags, path, "not a regular file");
        }
        if (static_cast<std::uint64_t>(st.st_size) > max_) {
            ::close(fd);
            return too_big(diags, path, static_cast<std::uint64_t>(st.st_size));
        }
        const auto size = static_cast<std::size_t>(st.st_size);
        char* data = read_buffer_.reserve(size);
        std::size_t got = 0;
        while (got < size) {
            const ssize_t n = ::read(fd, data + got, size - got);
            if (n < 0 && errno == EINTR && !stop_requested()) continue;
            if (n < 0) {
                const int err = errno;
                ::close(fd);
                return skip(diags, path, fmt::format("read error: {}", std::strerror(err)));
            }
            if (n == 0) break;  // the file shrank while we read it: scan what is there
            got += static_cast<std::size_t>(n);
        }
        ::close(fd);
        in.content = std::string_view(data, got);
        return LoadStatus::kLoaded;
    }

private:
    static LoadStatus skip(std::vector<Diagnostic>& diags, const std::string& path, std::string msg) {
        diags.push_back({path, std::move(msg)});
        return LoadStatus::kSkipped;
    }
    LoadStatus too_big(std::vector<Diagnostic>& diags, const std::string& path, std::uint64_t size) const {
        return skip(diags, path, fmt::format("skipped: {} bytes is over --max-file-size ({} bytes)", size, max_));
    }

    const std::vector<std::string>& files_;
    std::uint64_t max_;
    ReadBuffer read_buffer_;  // this reader's thread only; in.content points into it until the next load
};

}  // namespace

bool read_all(int fd, std::string& buffer) {
    buffer.clear();
    char chunk[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR && !stop_requested()) continue;
        if (n < 0) return false;
        if (n == 0) return true;
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

FileSource::FileSource(const std::vector<std::string>& paths, std::uint64_t max_file_size) : max_file_size_(max_file_size) {
    for (const std::string& p : paths) {
        if (p == "-") {
            files_.push_back(kStdinName);
            continue;
        }
        std::error_code ec;
        const fs::file_status st = fs::status(p, ec);
        if (!fs::exists(st)) {
            if (fs::is_symlink(fs::symlink_status(p, ec))) diagnostics_.push_back({display(p), "broken symlink"});
            else throw Error(fmt::format("{}: no such file or directory", p));
            continue;
        }
        if (fs::is_directory(st)) walk(p);
        else add_file(p);
    }
}

void FileSource::add_file(const fs::path& p) { files_.push_back(display(p)); }

void FileSource::walk(const fs::path& dir) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    if (ec) {
        diagnostics_.push_back({display(dir), fmt::format("cannot list directory: {}", ec.message())});
        return;
    }
    std::vector<fs::path> subdirs;
    for (; it != end; it.increment(ec)) {
        if (ec) {
            diagnostics_.push_back({display(dir), fmt::format("cannot list directory: {}", ec.message())});
            break;
        }
        const fs::path& p = it->path();
        if (p.filename() == ".git") continue;  // repository internals are not the work tree
        // The entry's type comes from readdir's d_type where the file system gives one: no lstat per file.
        std::error_code sec;
        if (it->is_symlink(sec)) {
            const fs::file_status target = fs::status(p, sec);
            if (!fs::exists(target)) diagnostics_.push_back({display(p), "broken symlink"});
            else if (fs::is_regular_file(target)) add_file(p);
            // a symlinked directory is not followed: that is how loops are avoided
            continue;
        }
        if (it->is_directory(sec)) subdirs.push_back(p);
        else if (it->is_regular_file(sec)) add_file(p);
    }
    for (const fs::path& d : subdirs) walk(d);
}

std::unique_ptr<Reader> FileSource::make_reader() const { return std::make_unique<FileReader>(files_, max_file_size_); }

}  // namespace keyfence::source
