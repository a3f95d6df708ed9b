#include "report/merge.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace keyfence::report {
namespace {

struct Spot {
    Place place;
    std::size_t member;  // which finding of the group it came from
    bool primary;        // that finding's own location (not one of its also_in)
};

Place place_of(const Finding& f) { return {f.commit ? f.commit->id : std::string(), f.path, f.repository}; }

}  // namespace

std::vector<Finding> merge_findings(std::vector<Finding> findings) {
    std::map<std::string, std::vector<std::size_t>> groups;  // fingerprint -> findings, in input order
    std::vector<std::string> order;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const std::string key = findings[i].fingerprint.empty() ? findings[i].rule_id + '\0' + findings[i].secret : findings[i].fingerprint;
        auto [it, fresh] = groups.try_emplace(key);
        if (fresh) order.push_back(key);
        it->second.push_back(i);
    }
    std::vector<Finding> out;
    out.reserve(order.size());
    for (const std::string& key : order) {
        const std::vector<std::size_t>& members = groups[key];
        if (members.size() == 1) {
            out.push_back(std::move(findings[members[0]]));
            continue;
        }
        std::vector<Spot> spots;
        for (std::size_t m = 0; m < members.size(); ++m) {
            Finding& f = findings[members[m]];
            spots.push_back({place_of(f), m, true});
            for (Place p : f.also_in) {
                if (p.repository.empty()) p.repository = f.repository;
                spots.push_back({std::move(p), m, false});
            }
        }
        // By repository; within one, as its report listed them (its own finding first).
        std::stable_sort(spots.begin(), spots.end(), [](const Spot& a, const Spot& b) { return a.place.repository < b.place.repository; });
        const auto first = std::find_if(spots.begin(), spots.end(), [](const Spot& s) { return s.primary; });
        Finding merged = std::move(findings[members[first->member]]);
        merged.also_in.clear();
        std::set<std::tuple<std::string, std::string, std::string>> seen{{first->place.repository, first->place.commit, first->place.path}};
        for (const Spot& s : spots) {
            if (!seen.insert({s.place.repository, s.place.commit, s.place.path}).second) continue;
            merged.also_in.push_back(s.place);
        }
        // A verdict any copy carries is the key's verdict.
        for (std::size_t m : members)
            if (!merged.validation && findings[m].validation) merged.validation = findings[m].validation;
        out.push_back(std::move(merged));
    }
    std::stable_sort(out.begin(), out.end(), finding_less);
    return out;
}

}  // namespace keyfence::report
