#pragma once
// StreamIngestor: the ingest pipeline of DESIGN §3.1 for one stream of one source, fed line
// by line as the lines arrive — lines → parser → (queue_log: call assembler) → calls and
// agent state changes → interval aggregates and agent state seconds → store. Each Flush is
// one transaction holding what the lines fed since the last one produced, their rejects and
// the stream's checkpoint (with an optional caller cursor, e.g. a file offset), so a restart
// resumes exactly where the data ends. Importer::Import runs a whole stream through one; the
// long-running sources (file tail, TCP feeds) keep one open and flush by size or time.
//
//   auto in = StreamIngestor::Open(db, clock, scope, options, "tail");
//   if (!in) return in.error();
//   int64_t line_no = (*in)->resume_after();
//   while (read a line) (*in)->Feed(line, ++line_no);
//   CB_RETURN_IF_ERROR((*in)->Flush());
//
// Thread-safety: none; one thread feeds one ingestor. Two ingestors of the same stream at
// the same time are not supported.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "core/tenant_scope.h"
#include "ingest/importer.h"

namespace callboard {

class Database;

class StreamIngestor {
 public:
  // Maps the checkpoint position (the last line fully ingested) to the caller's cursor for
  // it, stored with the checkpoint.
  using CursorAt = std::function<std::string(int64_t position)>;

  // Finds or creates the source `options.source_name` and loads the stream's checkpoint:
  // parser header, assembler and agent state resume from it.
  static Result<std::unique_ptr<StreamIngestor>> Open(Database& db, const Clock& clock,
                                                      TenantScope scope,
                                                      const ImportOptions& options,
                                                      std::string stream_id);
  ~StreamIngestor();

  // The checkpoint found at Open: the last line fully ingested (0 when none) and the cursor
  // stored with it (empty when none).
  int64_t resume_after() const { return resume_after_; }
  const std::string& cursor() const { return cursor_; }
  int64_t source_id() const;

  // Parses one line (without its newline). Blank lines only advance the position.
  // REQUIRES: line_no greater than every line fed before.
  void Feed(std::string_view line, int64_t line_no);
  // Counts a line that is not fed because the checkpoint says it was ingested before.
  void CountDuplicate() { ++summary_.duplicates; }

  // Stores what the lines fed since the last flush produced, their rejects and the
  // checkpoint (with `cursor_at`'s cursor, when given) in one transaction.
  Status Flush(const CursorAt& cursor_at = nullptr);
  // The end of one input (a file, a connection): emits what the parser holds back waiting
  // for more lines (e.g. CDR legs being joined), then flushes. Lines may be fed afterwards.
  Status FinishInput(const CursorAt& cursor_at = nullptr);

  // Non-blank lines fed since the last flush.
  int64_t unflushed_lines() const { return unflushed_lines_; }
  // Totals since Open: lines accepted, duplicates, rejects, calls newly stored.
  const ImportSummary& summary() const { return summary_; }
  // Latest event time seen (queue_log event, or a call's end); empty before the first.
  std::optional<TimePoint> newest_event() const;

 private:
  struct State;
  explicit StreamIngestor(std::unique_ptr<State> state);
  Status Commit(const CursorAt& cursor_at);

  std::unique_ptr<State> state_;
  int64_t resume_after_ = 0;
  std::string cursor_;
  int64_t unflushed_lines_ = 0;
  ImportSummary summary_;
};

// Whether a line holds nothing but spaces, tabs and a carriage return.
bool IsBlankLine(std::string_view line);

}  // namespace callboard
