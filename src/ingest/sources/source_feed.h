#pragma once
// What a running source works with (SourceContext), and SourceFeed: the ingest pipeline
// (StreamIngestor) of one running source, with the flush policy of a live feed — commit when
// `flush_lines` lines wait, or when the oldest waiting line has waited `flush_after` — and the
// source's status kept current (lines, calls, rejects, last event, newest event time).
//
//   auto feed = SourceFeed::Open(ctx, "3cx-tcp");
//   (*feed)->Line(line);                       // as lines arrive
//   CB_RETURN_IF_ERROR((*feed)->FlushIfDue());  // in the poll loop
//
// Thread-safety: none; the source's own thread.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "core/tenant_scope.h"
#include "ingest/sources/source_config.h"
#include "ingest/sources/source_status.h"
#include "ingest/stream_ingestor.h"

namespace callboard {

class Database;
class PbxRegistry;
class StopSignal;

// Timing of the running sources. Defaults suit production; tests shorten them.
struct SourceTimings {
  std::chrono::milliseconds poll{250};  // file tail: how often to look at the file
  // Commit a line at most this long after it came: live views see it then.
  std::chrono::milliseconds flush_after{100};
  size_t flush_lines = 5000;  // … or when this many wait
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(10)};  // no byte from a peer
  std::chrono::milliseconds line_timeout{60000};  // a started line must end within this
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{60000};
  // A run that lasted this long counts as healthy: the next failure waits backoff_initial.
  std::chrono::milliseconds healthy_after{60000};
};

struct SourceContext {
  Database& db;
  const Clock& clock;
  TenantScope scope;
  const SourceConfig& config;
  const SourcePolicy& policy;
  const SourceTimings& timings;
  const StopSignal& stop;
  SourceStatusCell& status;
  IngestObserver* observer = nullptr;
  PbxRegistry* pbx = nullptr;  // asterisk-ami: where the link's PbxControl is offered
};

class SourceFeed {
 public:
  static Result<std::unique_ptr<SourceFeed>> Open(const SourceContext& ctx, std::string stream_id);

  // The checkpoint found at Open (see StreamIngestor).
  int64_t resume_after() const { return ingestor_->resume_after(); }
  const std::string& cursor() const { return ingestor_->cursor(); }
  // The number of the last line received (resume_after() before the first).
  int64_t last_line() const { return line_no_; }

  // One line received (without its newline); numbered after the last.
  void Line(std::string_view line);

  Status FlushIfDue(const StreamIngestor::CursorAt& cursor_at = nullptr);
  Status Flush(const StreamIngestor::CursorAt& cursor_at = nullptr);
  // The end of one input (a file, a connection); see StreamIngestor::FinishInput.
  Status FinishInput(const StreamIngestor::CursorAt& cursor_at = nullptr);
  // How long until FlushIfDue will flush; `idle` when no line waits.
  std::chrono::milliseconds TimeToFlush(std::chrono::milliseconds idle) const;

  // Sets the status's state (and since, and detail when given).
  void SetState(SourceState state, std::optional<std::string> detail = std::nullopt);

 private:
  SourceFeed(const SourceContext& ctx, std::unique_ptr<StreamIngestor> ingestor);
  void Publish();

  const SourceContext& ctx_;
  std::unique_ptr<StreamIngestor> ingestor_;
  int64_t line_no_ = 0;
  std::optional<std::chrono::steady_clock::time_point> oldest_waiting_;
  ImportSummary published_;  // totals already added to the status
};

}  // namespace callboard
