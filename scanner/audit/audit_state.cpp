#include "audit/audit_state.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/file_read.hpp"
#include "core/private_file.hpp"

namespace keyfence::audit {
namespace {

std::map<std::string, RepositoryState> load(const std::filesystem::path& file) {
    std::map<std::string, RepositoryState> out;
    const auto text = read_whole_file(file);
    if (!text) return out;
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("repositories") || !j["repositories"].is_object()) return out;
    for (const auto& [name, r] : j["repositories"].items()) {
        RepositoryState s;
        if (r.contains("tips") && r["tips"].is_array())
            for (const auto& t : r["tips"])
                if (t.is_string()) s.tips.push_back(t.get<std::string>());
        if (r.contains("reported") && r["reported"].is_array())
            for (const auto& f : r["reported"])
                if (f.is_string()) s.reported.insert(f.get<std::string>());
        out[name] = std::move(s);
    }
    return out;
}

}  // namespace

AuditState::AuditState(std::filesystem::path file) : file_(std::move(file)), loaded_(load(file_)) {}

const RepositoryState* AuditState::find(const std::string& repository) const {
    const auto it = loaded_.find(repository);
    return it == loaded_.end() ? nullptr : &it->second;
}

void AuditState::save() const {
    if (updated_.empty()) return;
    std::error_code ec;
    std::filesystem::create_directories(file_.parent_path(), ec);
    const std::string lock_path = file_.string() + ".lock";
    const int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0) throw Error(fmt::format("{}: cannot open the lock file", lock_path));
    ::flock(lock, LOCK_EX);
    std::map<std::string, RepositoryState> all = load(file_);
    for (const auto& [name, s] : updated_) all[name] = s;
    nlohmann::ordered_json j;
    j["version"] = 1;
    j["repositories"] = nlohmann::ordered_json::object();
    for (const auto& [name, s] : all) j["repositories"][name] = {{"tips", s.tips}, {"reported", s.reported}};
    try {
        write_private_file(file_, j.dump(1) + "\n");
    } catch (...) {
        ::close(lock);
        throw;
    }
    ::close(lock);
}

}  // namespace keyfence::audit
