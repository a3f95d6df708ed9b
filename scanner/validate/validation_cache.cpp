#include "validate/validation_cache.hpp"

#include <nlohmann/json.hpp>

#include "core/digest.hpp"
#include "core/error.hpp"
#include "core/file_read.hpp"
#include "core/private_file.hpp"

namespace keyfence::validate {
namespace {

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool fresh(std::int64_t at) { return now_seconds() - at < std::chrono::duration_cast<std::chrono::seconds>(ValidationCache::kLifetime).count(); }

}  // namespace

ValidationCache::ValidationCache(std::filesystem::path file) : file_(std::move(file)) {
    const auto text = read_whole_file(file_);
    if (!text) return;
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object()) return;
    for (const auto& [key, e] : j.items()) {
        if (!e.is_object() || !e.contains("status") || !e["status"].is_string() || !e.contains("at") || !e["at"].is_number_integer()) continue;
        Entry entry{{e["status"].get<std::string>(), e.value("http_status", 0L), e.value("detail", std::string())}, e["at"].get<std::int64_t>()};
        if ((entry.result.status == "live" || entry.result.status == "invalid") && fresh(entry.at)) entries_[key] = std::move(entry);
    }
}

std::string ValidationCache::key_of(const rules::Validator& v, const std::string& identity) {
    return sha256_hex(v.method + '\0' + v.url + '\0' + identity);
}

std::optional<Validation> ValidationCache::find(const rules::Validator& v, const std::string& identity) const {
    const auto it = entries_.find(key_of(v, identity));
    if (it == entries_.end() || !fresh(it->second.at)) return std::nullopt;
    Validation out = it->second.result;
    out.detail += " (answered within the last day)";
    return out;
}

void ValidationCache::remember(const rules::Validator& v, const std::string& identity, const Validation& result) {
    if (result.status != "live" && result.status != "invalid") return;  // an unknown is asked again next time
    entries_[key_of(v, identity)] = {result, now_seconds()};
    changed_ = true;
}

void ValidationCache::save() const {
    if (!changed_) return;
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [key, e] : entries_)
        if (fresh(e.at)) j[key] = {{"status", e.result.status}, {"http_status", e.result.http_status}, {"detail", e.result.detail}, {"at", e.at}};
    std::error_code ec;
    std::filesystem::create_directories(file_.parent_path(), ec);
    try {
        write_private_file(file_, j.dump() + "\n");
    } catch (const Error&) {
    }
}

}  // namespace keyfence::validate
