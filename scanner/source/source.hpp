#pragma once
// Source: what to scan. A source enumerates jobs up front; each worker thread then loads jobs through its
// own Reader (git sources give each reader its own repository handle).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "core/input.hpp"

namespace keyfence::source {

enum class LoadStatus { kLoaded, kSkipped };

class Reader {
public:
    virtual ~Reader() = default;
    // Loads job `index` into buffer and points in.content at it. A job that cannot or should not be
    // scanned (unreadable, too big) returns kSkipped and appends a diagnostic.
    virtual LoadStatus load(std::size_t index, std::string& buffer, Input& in, std::vector<Diagnostic>& diagnostics) = 0;
};

class Source {
public:
    virtual ~Source() = default;
    virtual std::size_t job_count() const = 0;
    virtual std::unique_ptr<Reader> make_reader() const = 0;
    // Problems met while enumerating (unreadable directories, broken symlinks).
    virtual const std::vector<Diagnostic>& enumeration_diagnostics() const = 0;
    // Problems only known once the jobs are read (a git object read whole that was not quite right).
    virtual std::vector<Diagnostic> late_diagnostics() const { return {}; }
    // Runs once on the merged findings: git sources drop findings outside added lines, attach the
    // introducing commit, fold repeats of one secret into one finding.
    virtual void finish(std::vector<Finding>& /*findings*/) const {}
    // True when finish() works on any subset of findings, so each job's findings can be finished and
    // streamed as soon as the job is scanned. History needs all of them (one finding per secret).
    virtual bool finishes_per_job() const { return true; }
};

}  // namespace keyfence::source
