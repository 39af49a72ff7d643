#pragma once
// The parsers' common vocabulary: what a source line becomes (ParsedItem) or why it could not
// (ParseReject), the source formats, and the RecordParser interface every format implements.
//
//   auto parser = MakeParser(SourceFormat::kAsteriskCdr, {.time_zone = "UTC"});
//   if (!parser) return parser.error();
//   std::vector<ParsedItem> items;
//   std::vector<ParseReject> rejects;
//   for (each line, numbered from 1) (*parser)->ParseLine(line, line_no, items, rejects);
//   (*parser)->Finish(items, rejects);
//
// Every parser, whatever its format: strips one trailing '\r' (CRLF files), strips a UTF-8 BOM
// at the start of line 1, skips blank lines (no item, no reject), and rejects lines longer than
// kMaxLineBytes without parsing them. A reject's `reason` starts with the field or column name
// that was wrong ("time-end: before time-start").

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/call_record.h"
#include "core/clock.h"
#include "core/status.h"

namespace date {
class time_zone;
}  // namespace date

namespace callboard {

// One queue_log line, normalized (file form and realtime-database form alike).
// `data` holds the event's data fields in order, with trailing empty fields removed (so an
// absent index means "empty"). Layouts the assembler relies on (Asterisk 13..22; older
// releases write fewer trailing fields):
//   ENTERQUEUE                url|callerid|position          (older: url|callerid)
//   CONNECT                   holdtime|bridged uniqueid|ringtime  (older: no ringtime)
//   COMPLETECALLER/AGENT      holdtime|calltime|origposition
//   ABANDON, EXITWITHTIMEOUT, EXITEMPTY   position|origposition|waittime
//   EXITWITHKEY               key|position|origposition|waittime
//   TRANSFER                  extension|context|holdtime|calltime[|origposition]
//   BLINDTRANSFER             extension|context|holdtime|calltime|origposition
//   ATTENDEDTRANSFER          method|method-data|holdtime|calltime|origposition
//   RINGNOANSWER              ringtime in MILLISECONDS (RINGCANCELED likewise)
//   AGENTLOGOFF               channel|logintime;   PAUSE/UNPAUSE  [reason]
// Seconds everywhere else. Unknown and custom events (DID, INFO, …) are kept verbatim.
// call_id may be NONE, CLI, MANAGER or REALTIME; queue and agent may be NONE.
struct QueueLogEvent {
  TimePoint at;
  std::string call_id;
  std::string queue;
  std::string agent;
  std::string event;
  std::vector<std::string> data;
};

// The same event as views: into the line being parsed, or into the parser's (or the owning
// QueueLogEvent's) buffers. Valid until the parser's next call; what the queue_log engine's
// fast path passes from AsteriskQueueLogParser::ParseEvent to CallAssembler::Add without
// copying a byte.
struct QueueLogEventView {
  TimePoint at;
  std::string_view call_id;
  std::string_view queue;
  std::string_view agent;
  std::string_view event;
  std::span<const std::string_view> data;  // trailing empty fields removed, as above

  // Data field `i`; empty when absent.
  std::string_view Data(size_t i) const { return i < data.size() ? data[i] : std::string_view(); }
};

// Views of `e`; `data` receives the data views (its storage backs the result's span).
QueueLogEventView ViewOf(const QueueLogEvent& e, std::vector<std::string_view>& data);
// An owning copy of `v`.
QueueLogEvent OwnedEvent(const QueueLogEventView& v);

using ParsedItem = std::variant<QueueLogEvent, CallRecord>;

// A data-quality finding (DESIGN §3.4a) about input that was accepted, perhaps repaired: what
// the parsers of call-level formats, the queue_log assembler and the stream's clock checks
// notice. Stored per source with the batch (ingest_diagnostics).
struct IngestDiagnostic {
  std::string kind;     // e.g. "answer_before_start", "no_terminal_event"
  std::string call_id;  // the PBX call id; empty for findings not about one call
  int64_t line = 0;     // 1-based line in the stream
  std::string detail;   // human sentence with the values involved
};

struct ParseReject {
  int64_t line = 0;    // 1-based line number in the stream
  std::string raw;     // the line; only its first kMaxRejectRawBytes when over kMaxLineBytes
  std::string reason;  // "<field or column>: <what was wrong>"
};

enum class SourceFormat {
  kAsteriskQueueLog,
  kAsteriskCdr,
  k3cxCdr,
  kFreeswitchCc,
  kCallsJson,
  kCallsCsv
};

// Names: asterisk-queue-log, asterisk-cdr, 3cx-cdr, freeswitch-cc, calls-json, calls-csv.
std::string_view SourceFormatName(SourceFormat format);
std::optional<SourceFormat> ParseSourceFormat(std::string_view name);

struct ParserOptions {
  // IANA zone of wall-clock timestamps: 3CX CDR, Asterisk CDR without usegmtime, and
  // realtime queue_log datetimes (Asterisk writes them in local time unless
  // queue_log_realtime_use_gmt=yes). Epoch timestamps are unaffected.
  std::string time_zone = "UTC";
  // 3CX only: the administrator's field list, in order; empty = the default order
  // (k3cxDefaultColumns in threecx_cdr_parser.h). Ignored by other formats.
  std::vector<std::string> columns;
};

// Line-oriented and incremental. NOT thread-safe: one parser per stream.
class RecordParser {
 public:
  virtual ~RecordParser() = default;
  // One line without its newline; line_no is 1-based. Appends 0..n items, or one reject.
  virtual void ParseLine(std::string_view line, int64_t line_no, std::vector<ParsedItem>& out,
                         std::vector<ParseReject>& rejects) = 0;
  // End of input: flushes anything held back (e.g. CDR legs still being joined).
  virtual void Finish(std::vector<ParsedItem>& out, std::vector<ParseReject>& rejects) = 0;
  // Lowest line number whose item has not been emitted yet (for checkpoints); 0 when none is
  // held.
  virtual int64_t OldestPendingLine() const = 0;
  // Moves the findings about the lines parsed so far (and Finish) into `out`; none by default.
  virtual void TakeDiagnostics(std::vector<IngestDiagnostic>& /*out*/) {}
  // The header row this parser learned from the stream (calls-csv, freeswitch-cc CSV, a
  // queue_log CSV export), empty when none. To resume a stream mid-file, feed this line to a
  // fresh parser first; it is accepted on any line number.
  virtual std::string_view HeaderLine() const { return {}; }
};

// kInvalidArgument for bad options (unknown time zone, unknown or duplicated 3CX column name,
// a 3CX column list without callid, time-start or time-end).
Result<std::unique_ptr<RecordParser>> MakeParser(SourceFormat format, const ParserOptions& options);

inline constexpr size_t kMaxLineBytes = 64 * 1024;  // longer lines are rejected, not parsed
inline constexpr size_t kMaxRejectRawBytes = 1024;  // raw text kept of an over-long line

// ---- Helpers shared by the format parsers ----

// Implements the common line handling described at the top of this file, then hands the
// cleaned, non-blank line to ParseRecord. Finish and OldestPendingLine default to "nothing
// held".
class LineParser : public RecordParser {
 public:
  void ParseLine(std::string_view line, int64_t line_no, std::vector<ParsedItem>& out,
                 std::vector<ParseReject>& rejects) final;
  void Finish(std::vector<ParsedItem>& out, std::vector<ParseReject>& rejects) override;
  int64_t OldestPendingLine() const override { return 0; }

 protected:
  virtual void ParseRecord(std::string_view line, int64_t line_no, std::vector<ParsedItem>& out,
                           std::vector<ParseReject>& rejects) = 0;
};

// The common line handling of LineParser::ParseLine: strips a trailing '\r' and (on line 1) a
// UTF-8 BOM; empty for a blank line, and for an over-long one after appending its reject.
std::optional<std::string_view> CleanLine(std::string_view line, int64_t line_no,
                                          std::vector<ParseReject>& rejects);

// Appends {line_no, line, reason} to rejects.
void AddReject(std::vector<ParseReject>& rejects, int64_t line_no, std::string_view line,
               std::string reason);

// A wall-clock date and time as a PBX writes it, no zone.
struct CivilTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
};
// "YYYY-MM-DD HH:MM:SS" or "YYYY/MM/DD HH:MM:SS" ('T' accepted for the space), optional
// ".fraction" (truncated to milliseconds). Empty on malformed text or an impossible date.
std::optional<CivilTime> ParseCivilTime(std::string_view text);

// Converts wall-clock times of one IANA zone to UTC, DST-aware. Cheap to copy; immutable.
class ZoneConverter {
 public:
  ZoneConverter() = default;  // UTC
  // kInvalidArgument (field "time_zone") when the zone is unknown.
  static Result<ZoneConverter> ForZone(std::string_view name);
  // Empty when the wall time does not exist in the zone (skipped by a spring-forward change).
  // A time that occurs twice (fall-back) resolves to the earlier instant, or to the later one
  // when prefer_later.
  std::optional<TimePoint> ToUtc(const CivilTime& t, bool prefer_later = false) const;
  // True when the wall time occurs twice in the zone.
  bool IsAmbiguous(const CivilTime& t) const;
  // The IANA name, e.g. "America/New_York"; "UTC" for the default.
  std::string_view Name() const;

 private:
  const date::time_zone* zone_ = nullptr;  // nullptr = UTC
};

// Parses `text` (see ParseCivilTime) as a wall time in `zone` into `out`. A fall-back time
// resolves to the later instant when the earlier one would precede `not_before` (a call that
// spans the change). Returns the reject reason, naming `field`, on failure.
std::optional<std::string> ParseZonedTime(const ZoneConverter& zone, std::string_view text,
                                          std::string_view field,
                                          std::optional<TimePoint> not_before, TimePoint& out);

// Decimal integer, optional leading '-', nothing else. Empty on malformed text or overflow.
std::optional<int64_t> ParseInt64(std::string_view text);
// Decimal seconds with an optional fraction ("12", "12.5", "1795340068.123456"), returned in
// milliseconds (truncated). Empty on malformed text.
std::optional<int64_t> ParseSecondsAsMillis(std::string_view text);
// Removes leading and trailing spaces and tabs.
std::string_view TrimSpace(std::string_view text);

}  // namespace callboard
