#pragma once
#include "report/reporter.hpp"

namespace keyfence::report {

// RFC 4180 CSV with a header row, one finding per row (spreadsheets, SIEM imports).
class CsvReporter : public Reporter {
public:
    using Reporter::Reporter;
    void write(const std::vector<Finding>& findings, std::ostream& out) const override;
};

}  // namespace keyfence::report
