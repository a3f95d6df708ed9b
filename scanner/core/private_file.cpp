#include "core/private_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace keyfence {

PrivateFile::PrivateFile(std::filesystem::path target) : target_(std::move(target)) {
    // A target that exists and is not a regular file (/dev/null, a FIFO, a symlink) is written in place:
    // renaming over it would replace a device or a pipe with a file.
    struct stat st {};
    if (::lstat(target_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        fd_ = ::open(target_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd_ < 0) throw Error(fmt::format("cannot write {}: {}", target_.string(), std::strerror(errno)));
        return;  // tmp_ stays empty: commit() does not rename
    }
    const std::filesystem::path dir = target_.has_parent_path() ? target_.parent_path() : ".";
    tmp_ = (dir / ".keyfence-tmp-XXXXXX").string();
    fd_ = ::mkstemp(tmp_.data());  // mkstemp creates the file with mode 0600
    if (fd_ < 0) throw Error(fmt::format("cannot write {}: {}", target_.string(), std::strerror(errno)));
    if (::fchmod(fd_, 0600) != 0) fail(errno);
}

PrivateFile::~PrivateFile() {
    if (fd_ >= 0) {
        ::close(fd_);
        if (!tmp_.empty()) ::unlink(tmp_.c_str());
    }
}

void PrivateFile::fail(int err) {
    ::close(fd_);
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
    fd_ = -1;
    throw Error(fmt::format("cannot write {}: {}", target_.string(), std::strerror(err)));
}

void PrivateFile::write(std::string_view data) {
    for (std::size_t done = 0; done < data.size();) {
        const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(errno);
        done += static_cast<std::size_t>(n);
    }
}

void PrivateFile::commit() {
    if (tmp_.empty()) {  // written in place (a device or a pipe): nothing to sync or rename
        ::close(fd_);
        fd_ = -1;
        return;
    }
    if (::fsync(fd_) != 0) fail(errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp_.c_str());
        throw Error(fmt::format("cannot write {}: {}", target_.string(), std::strerror(err)));
    }
    if (::rename(tmp_.c_str(), target_.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp_.c_str());
        throw Error(fmt::format("cannot write {}: {}", target_.string(), std::strerror(err)));
    }
}

void write_private_file(const std::filesystem::path& target, const std::string& content) {
    PrivateFile file(target);
    file.write(content);
    file.commit();
}

}  // namespace keyfence
