#pragma once
// Asterisk queue_log → QueueLogEvent, one per line. Accepts
//  - the file form:  epoch|callid|queue|agent|EVENT|data…
//  - the realtime-database form exported as pipe or comma (RFC 4180) rows:
//      time|callid|queuename|agent|event|data1|…|data5      (queue_adaptive_realtime)
//      time|callid|queuename|agent|event|data|data1|…|data5 (tables with both; data1..5 win
//                                                           unless all empty)
//    with `time` as "YYYY-MM-DD HH:MM:SS[.ffffff]" in ParserOptions::time_zone, and a combined
//    `data` column split on '|'. A header row (cells "time" and "event") maps columns by name
//    (time, callid, queuename|queue, agent, event, data, data1..data5; others ignored).
// The delimiter is whichever of '|' and ',' comes first on the line (neither occurs in a time).
// Every event is kept, whatever its name. Rejected: fewer than 5 fields, a time that is
// neither epoch seconds nor a datetime, an empty event name.
// Thread-safety: none (one parser per stream).

#include <array>
#include <string>
#include <vector>

#include "ingest/parsed.h"

namespace callboard {

class AsteriskQueueLogParser final : public LineParser {
 public:
  explicit AsteriskQueueLogParser(ZoneConverter zone) : zone_(zone) {}
  std::string_view HeaderLine() const override { return header_line_; }

  // The allocation-free path: ParseLine for one line, the event as views into `line` and this
  // parser's buffers (valid until its next call). True when `e` holds an event; false for a
  // blank line, a header row, or a reject (appended to `rejects`).
  bool ParseEvent(std::string_view line, int64_t line_no, QueueLogEventView& e,
                  std::vector<ParseReject>& rejects);

 protected:
  void ParseRecord(std::string_view line, int64_t line_no, std::vector<ParsedItem>& out,
                   std::vector<ParseReject>& rejects) override;

 private:
  // Column positions from a header row; -1 when the header lacks the column.
  struct Layout {
    int time = -1, call_id = -1, queue = -1, agent = -1, event = -1, data = -1;
    std::array<int, 5> data_n = {-1, -1, -1, -1, -1};
    int max_index = -1;
  };
  bool TryHeader(std::string_view line, int64_t line_no, std::vector<ParseReject>& rejects);
  // ParseEvent after the common line handling.
  bool ParseView(std::string_view line, int64_t line_no, QueueLogEventView& e,
                 std::vector<ParseReject>& rejects);

  ZoneConverter zone_;
  // Reused between lines: the CSV cells (unquoted), the cells of the line as views (into the
  // line or csv_fields_), and the data fields as views.
  std::vector<std::string> csv_fields_;
  std::vector<std::string_view> cells_;
  std::vector<std::string_view> data_;
  bool has_header_ = false;
  Layout layout_;
  std::string header_line_;
};

}  // namespace callboard
