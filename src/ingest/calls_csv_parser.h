#pragma once
// calls-csv: RFC 4180 rows, one call each, after a header row naming the columns with the
// DESIGN §3.2 field names (kCallFieldNames, any order, any subset that includes pbx_call_id,
// started_at, ended_at and outcome). Values follow the calls-json rules; an empty cell is
// absent.
//
// The header is the first non-blank line; a later line with a "pbx_call_id" cell replaces it
// (concatenated exports). A header with an unknown, repeated or missing required name is
// rejected on its own line, and the rows after it are rejected ("header: …") until a valid
// header arrives. A row with a different cell count than its header is rejected.
// Thread-safety: none (one parser per stream).

#include <string>
#include <vector>

#include "ingest/parsed.h"

namespace callboard {

class CallsCsvParser final : public LineParser {
 public:
  std::string_view HeaderLine() const override { return header_line_; }

 protected:
  void ParseRecord(std::string_view line, int64_t line_no, std::vector<ParsedItem>& out,
                   std::vector<ParseReject>& rejects) override;

 private:
  bool TryHeader(std::string_view line, int64_t line_no, std::vector<ParseReject>& rejects);

  std::vector<std::string> fields_;   // reused between lines
  std::vector<int> field_of_column_;  // column → index in kCallFieldNames
  std::string header_line_;           // empty until a valid header
  int64_t bad_header_line_ = 0;       // the last rejected header, while no valid one
};

}  // namespace callboard
