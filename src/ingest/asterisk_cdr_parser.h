#pragma once
// Asterisk cdr_csv Master.csv → one CallRecord per call.
//
// Columns: accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start,
// answer, end, duration, billsec, disposition, amaflags, then what cdr_csv.conf adds:
// loguniqueid → uniqueid, loguserfield → userfield, newcdrcolumns → peeraccount, linkedid,
// sequence. Accepted counts: 16, 17 (+uniqueid), 18 (+uniqueid, userfield), 19 (+new columns),
// 20 (+uniqueid, new columns), 21 (all). Times are "YYYY-MM-DD HH:MM:SS" in
// ParserOptions::time_zone ("UTC" for usegmtime=yes); an empty answer means unanswered.
//
// Joining: every CDR (leg) of a call shares its linkedid (Asterisk ≥ 12). Legs are held per
// linkedid (uniqueid when the linkedid is empty) and the call is emitted when a line arrives
// whose start is more than kCdrGroupIdle after the group's latest end, or at Finish. Without a
// linkedid column each line is its own call, emitted at once. A leg arriving for a linkedid
// that was already emitted starts a new group (a second record with the same pbx_call_id; the
// store's natural key makes it an update or a duplicate).
//
// The call (pbx_call_id = linkedid, else uniqueid, else "<channel>@<start epoch>"):
//  - originating leg: the one whose uniqueid is the linkedid, else the earliest start.
//    caller = its src, callee = its dst.
//  - started_at = earliest start, ended_at = latest end.
//  - Queue legs (lastapp "Queue"): queue = first field of lastdata (',' or '|'). The answered
//    queue leg is the last ANSWERED one with a dstchannel; agent = its dstchannel's identity
//    (channel name without Asterisk's unique suffix: "SIP/1001-0000000a" → "SIP/1001",
//    "Local/a1001@agents-0000000b;1" → "Local/a1001@agents"). The agent's own leg (for Local
//    channels the ";2" half of that dstchannel) gives answered_at and talk (its answer,
//    billsec); without one the queue leg's answer and billsec are used.
//    wait = answered_at (or the last queue leg's end) − the first queue leg's start.
//  - outcome: answered by an agent → answered; else a VoiceMail leg answered → voicemail; queued
//    and unanswered → timeout when the wait reached Queue()'s timeout argument (5th field of
//    lastdata), else abandoned; not queued: a Dial/app leg ANSWERED → answered, else any
//    NO ANSWER → missed, else (BUSY, FAILED, CONGESTION) → failed.
//  - direction heuristics, first match wins: (1) a Queue leg → inbound; (2) the originating
//    leg's dcontext names a trunk context (contains from-trunk, from-pstn, from-did,
//    from-external, incoming or inbound) → inbound; (3) src is a phone number (a leading '+' or
//    7+ digits) → inbound; (4) dst is a phone number → outbound; (5) internal.
//  - agent of a call that was not queued: outbound → the originating channel's identity;
//    inbound/internal → the answering leg's dstchannel identity (empty when unanswered).
//  - recording: the first leg's userfield (in start order) that names one — a URL, an
//    absolute path or an audio file name (.wav, .wav49, .gsm, .mp3, .ogg, .opus), as
//    dialplans that set CDR(userfield) to the MixMonitor file write it.
//  - not derivable from CDRs: hold, acw, transfers (0).
// Diagnostics (TakeDiagnostics; the call is kept): answered_without_answer_time (a leg with
// disposition ANSWERED and an empty answer column: its start stands in for the answer),
// duplicate_leg (a leg whose uniqueid and sequence are already in its call, same text:
// ignored), conflicting_duplicate (the same uniqueid and sequence, different text: both used,
// as before). Legs are compared only within a joined call (linkedid column present).
// Rejected: wrong column count, malformed or impossible times (end before start, answer outside
// start..end, over 24 h), non-numeric duration/billsec, an unknown disposition.
// Thread-safety: none (one parser per stream).

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ingest/parsed.h"

namespace callboard {

inline constexpr std::chrono::hours kCdrGroupIdle{1};

class AsteriskCdrParser final : public LineParser {
 public:
  explicit AsteriskCdrParser(ZoneConverter zone) : zone_(zone) {}
  void Finish(std::vector<ParsedItem>& out, std::vector<ParseReject>& rejects) override;
  // The first line of the oldest call still being joined.
  int64_t OldestPendingLine() const override;
  void TakeDiagnostics(std::vector<IngestDiagnostic>& out) override;

 protected:
  void ParseRecord(std::string_view line, int64_t line_no, std::vector<ParsedItem>& out,
                   std::vector<ParseReject>& rejects) override;

 private:
  struct Leg {  // one CDR row, parsed
    int64_t line = 0;
    std::string src, dst, dcontext, channel, dstchannel, lastapp, lastdata, disposition;
    std::string uniqueid, linkedid, sequence;
    std::string recording;  // the userfield, when it names a recording
    TimePoint start, end;
    std::optional<TimePoint> answer;
    int64_t billsec = 0;
    std::string raw;  // the line (to tell a repeated leg from a conflicting one)
  };
  struct Group {
    std::string key;
    std::vector<Leg> legs;
    TimePoint latest_end;
  };
  std::optional<std::string> ParseLeg(int64_t line_no, Leg& leg);
  // The call of one group of legs. REQUIRES: legs not empty.
  static CallRecord BuildCall(const std::string& call_id, const std::vector<Leg>& legs);
  void FlushIdle(TimePoint now, std::vector<ParsedItem>& out);

  ZoneConverter zone_;
  std::vector<std::string> fields_;                         // reused between lines
  std::map<int64_t, Group> groups_;                         // by first line
  std::unordered_map<std::string, int64_t> first_line_of_;  // linkedid → first line
  std::set<std::pair<TimePoint, int64_t>> by_latest_end_;   // (latest end, first line)
  std::vector<IngestDiagnostic> diagnostics_;               // until TakeDiagnostics
};

}  // namespace callboard
