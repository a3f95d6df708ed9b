#pragma once
#include "report/reporter.hpp"

namespace keyfence::report {

// RFC 4180 CSV with a header row, one finding per row (spreadsheets, SIEM imports).
class CsvReporter : public Reporter {
public:
    explicit CsvReporter(ReportOptions options) : options_(std::move(options)) {}
    void write(const std::vector<Finding>& findings, std::ostream& out) const override;

private:
    ReportOptions options_;
};

}  // namespace keyfence::report
