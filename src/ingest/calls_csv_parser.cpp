#include "ingest/calls_csv_parser.h"

#include <algorithm>

#include "ingest/calls_json_parser.h"
#include "ingest/csv.h"

namespace callboard {

bool CallsCsvParser::TryHeader(std::string_view line, int64_t line_no,
                               std::vector<ParseReject>& rejects) {
  auto fail = [&](std::string reason) {
    AddReject(rejects, line_no, line, "header: " + std::move(reason));
    header_line_.clear();
    field_of_column_.clear();
    bad_header_line_ = line_no;
    return false;
  };
  std::vector<int> field_of_column;
  for (const std::string& cell : fields_) {
    const std::string_view name = TrimSpace(cell);
    const int index = CallFieldIndex(name);
    if (index < 0) return fail("unknown column '" + std::string(name.substr(0, 40)) + "'");
    if (std::find(field_of_column.begin(), field_of_column.end(), index) != field_of_column.end()) {
      return fail("column '" + std::string(name) + "' repeated");
    }
    field_of_column.push_back(index);
  }
  for (const std::string_view required : {"pbx_call_id", "started_at", "ended_at", "outcome"}) {
    if (std::find(field_of_column.begin(), field_of_column.end(), CallFieldIndex(required)) ==
        field_of_column.end()) {
      return fail("no '" + std::string(required) + "' column");
    }
  }
  field_of_column_ = std::move(field_of_column);
  header_line_ = std::string(line);
  bad_header_line_ = 0;
  return true;
}

void CallsCsvParser::ParseRecord(std::string_view line, int64_t line_no,
                                 std::vector<ParsedItem>& out, std::vector<ParseReject>& rejects) {
  const Status split = SplitCsv(line, fields_);
  if (!split.ok()) {
    AddReject(rejects, line_no, line, "line: " + split.message());
    return;
  }
  const bool names_call_id = std::any_of(fields_.begin(), fields_.end(), [](const std::string& f) {
    return TrimSpace(f) == "pbx_call_id";
  });
  if (names_call_id || (header_line_.empty() && bad_header_line_ == 0)) {
    TryHeader(line, line_no, rejects);
    return;
  }
  if (header_line_.empty()) {
    AddReject(
        rejects, line_no, line,
        "header: no valid header row (line " + std::to_string(bad_header_line_) + " was rejected)");
    return;
  }
  if (fields_.size() != field_of_column_.size()) {
    AddReject(rejects, line_no, line,
              "columns: " + std::to_string(fields_.size()) + " cells, the header has " +
                  std::to_string(field_of_column_.size()));
    return;
  }
  CallFieldValues values;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (!TrimSpace(fields_[i]).empty()) {
      values[static_cast<size_t>(field_of_column_[i])] = std::move(fields_[i]);
    }
  }
  CallRecord call;
  if (std::optional<std::string> error = BuildCallFromFields(values, call)) {
    AddReject(rejects, line_no, line, std::move(*error));
    return;
  }
  out.emplace_back(std::move(call));
}

}  // namespace callboard
