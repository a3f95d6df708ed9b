#include "report/output_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace keyfence::report {

void write_private_file(const std::filesystem::path& target, const std::string& content) {
    const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
    std::string tmpl = (dir / (".keyfence-report-XXXXXX")).string();
    const int fd = ::mkstemp(tmpl.data());  // mkstemp creates the file with mode 0600
    if (fd < 0) throw Error(fmt::format("cannot write {}: {}", target.string(), std::strerror(errno)));
    auto fail = [&](int err) {
        ::close(fd);
        ::unlink(tmpl.c_str());
        throw Error(fmt::format("cannot write {}: {}", target.string(), std::strerror(err)));
    };
    if (::fchmod(fd, 0600) != 0) fail(errno);
    for (std::size_t done = 0; done < content.size();) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(errno);
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) fail(errno);
    if (::close(fd) != 0) {
        ::unlink(tmpl.c_str());
        throw Error(fmt::format("cannot write {}: {}", target.string(), std::strerror(errno)));
    }
    if (::rename(tmpl.c_str(), target.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmpl.c_str());
        throw Error(fmt::format("cannot write {}: {}", target.string(), std::strerror(err)));
    }
}

}  // namespace keyfence::report
