#pragma once
// 3CX (v18 "CDR service") CSV → CallRecord, one per line.
//
// Columns: ParserOptions::columns (the administrator's field list, names as below) or the
// default order k3cxDefaultColumns. A line has exactly that many fields, or one more when it
// ends in a comma (the empty trailing field is dropped). A row whose first field is the first
// column's name is a header and skipped. Times "YYYY/MM/DD HH:MM:SS" are local to
// ParserOptions::time_zone and converted to UTC:
//  - a local time inside a spring-forward gap (e.g. 2026/03/08 02:30 in America/New_York)
//    cannot be written by a PBX whose clock is right: the line is REJECTED, naming the field;
//  - a fall-back time that occurs twice resolves to the earlier instant, except that
//    time-answered / time-end take the later one when the earlier would precede time-start
//    (a call that spans the change). A call wholly inside the repeated hour is an hour early.
//
// Mapping:
//  - pbx_call_id = callid; started_at/answered_at/ended_at = time-start/-answered/-end.
//  - types "External" and "Line" are outside parties; anything else is internal. direction:
//    from outside → inbound; else to-type or final-type outside → outbound; else internal.
//  - caller = from-no, callee = to-no (an "Ext." prefix removed: "Ext.201" → "201").
//  - queue = to-dn when to-type is "Queue" (3CX's queue DN), else empty.
//  - agent: outbound → from-dn (the extension that called); inbound/internal, answered →
//    final-dn, else to-dn; unanswered → empty.
//  - talk = duration (HH:MM:SS; talk time) or time-end − time-answered; wait = time-answered
//    (or time-end) − time-start.
//  - outcome: time-answered set → answered; else a type naming voicemail (to/final) →
//    voicemail; reason-terminated "Failed_Cancelled" → missed (abandoned when queued); other
//    "Failed…" → failed; anything else unanswered → missed (abandoned when queued).
//  - transfers: from chain ("Chain: a,b,c,"; entries after the first two are transfers; the
//    last entry without "Ext." is transferred_to), else final-dn ≠ to-dn counts one.
// Rejected (reason names the column): wrong field count, malformed times or duration, a missing
// callid/time-start/time-end, time-end before time-start, time-answered outside the call,
// a duration or call over 24 h.
// Thread-safety: none (one parser per stream).

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/parsed.h"

namespace callboard {

inline constexpr std::array<std::string_view, 27> k3cxDefaultColumns = {
    "historyid",         "callid",         "duration",
    "time-start",        "time-answered",  "time-end",
    "reason-terminated", "from-no",        "to-no",
    "from-dn",           "to-dn",          "dial-no",
    "reason-changed",    "final-number",   "final-dn",
    "bill-code",         "bill-rate",      "bill-cost",
    "bill-name",         "chain",          "from-type",
    "to-type",           "final-type",     "from-dispname",
    "to-dispname",       "final-dispname", "missed-queue-calls"};

class ThreecxCdrParser final : public LineParser {
 public:
  // kInvalidArgument (field "columns") for an unknown or repeated name, or a list without
  // callid, time-start and time-end. Empty `columns` = k3cxDefaultColumns.
  static Result<std::unique_ptr<ThreecxCdrParser>> Make(ZoneConverter zone,
                                                        const std::vector<std::string>& columns);

 protected:
  void ParseRecord(std::string_view line, int64_t line_no, std::vector<ParsedItem>& out,
                   std::vector<ParseReject>& rejects) override;

 private:
  ThreecxCdrParser(ZoneConverter zone, std::vector<size_t> position_to_column);
  std::string_view Get(size_t column) const;  // "" when not configured

  ZoneConverter zone_;
  std::vector<size_t> column_at_;  // line position → index in k3cxDefaultColumns
  std::array<int, k3cxDefaultColumns.size()> position_of_;  // column → line position or -1
  std::vector<std::string> fields_;                         // reused between lines
};

}  // namespace callboard
