#include "report/ignore_list.hpp"

#include <algorithm>

#include "core/file_read.hpp"

namespace keyfence::report {

IgnoreList IgnoreList::parse(std::string_view text) {
    IgnoreList list;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        const auto b = line.find_first_not_of(" \t\r"), e = line.find_last_not_of(" \t\r");
        if (b != std::string_view::npos) list.entries_.emplace_back(line.substr(b, e - b + 1));
    }
    return list;
}

IgnoreList IgnoreList::load(const std::filesystem::path& file) {
    const std::optional<std::string> text = read_whole_file(file);
    return text ? parse(*text) : IgnoreList{};
}

std::vector<std::string> IgnoreList::added_since(const IgnoreList& base) const {
    std::vector<std::string> out;
    for (const std::string& e : entries_)
        if (std::find(base.entries_.begin(), base.entries_.end(), e) == base.entries_.end() &&
            std::find(out.begin(), out.end(), e) == out.end())
            out.push_back(e);
    return out;
}

bool IgnoreList::ignores(const Finding& f) const {
    return std::any_of(entries_.begin(), entries_.end(), [&](const std::string& e) {
        return e == f.fingerprint || e == f.fingerprint + ":" + f.path;  // "fingerprint:path": only in that file
    });
}

}  // namespace keyfence::report
