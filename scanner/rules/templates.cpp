#include "rules/templates.hpp"

namespace keyfence::rules {

std::vector<std::string> named_groups(std::string_view regex) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i + 3 < regex.size(); ++i) {
        if (regex[i] == '\\') {
            ++i;  // an escaped character, so "\(?P<" is no group
            continue;
        }
        if (regex[i] != '(' || regex[i + 1] != '?') continue;
        std::size_t at = i + 2;
        if (regex[at] == 'P') ++at;
        if (at >= regex.size() || regex[at] != '<') continue;
        const std::size_t close = regex.find('>', at);
        if (close == std::string_view::npos || close == at + 1) continue;
        const std::string_view name = regex.substr(at + 1, close - at - 1);
        if (name.front() == '=' || name.front() == '!') continue;  // (?<= and (?<! are lookbehinds
        names.emplace_back(name);
    }
    return names;
}

std::vector<std::string> template_names(std::string_view text) {
    std::vector<std::string> names;
    for (std::size_t at = 0; (at = text.find("{{", at)) != std::string_view::npos;) {
        const std::size_t close = text.find("}}", at + 2);
        if (close == std::string_view::npos) {
            names.emplace_back(text.substr(at + 2));
            break;
        }
        names.emplace_back(text.substr(at + 2, close - at - 2));
        at = close + 2;
    }
    return names;
}

std::string expand(std::string_view text, const std::map<std::string, std::string>& values, std::string (*encode)(std::string_view)) {
    std::string out;
    std::size_t from = 0;
    for (std::size_t at; (at = text.find("{{", from)) != std::string_view::npos;) {
        const std::size_t close = text.find("}}", at + 2);
        if (close == std::string_view::npos) break;
        const auto it = values.find(std::string(text.substr(at + 2, close - at - 2)));
        out += text.substr(from, at - from);
        if (it == values.end()) out += text.substr(at, close + 2 - at);
        else out += encode ? encode(it->second) : it->second;
        from = close + 2;
    }
    out += text.substr(from);
    return out;
}

}  // namespace keyfence::rules
