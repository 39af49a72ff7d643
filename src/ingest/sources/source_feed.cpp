#include "ingest/sources/source_feed.h"

#include <algorithm>

namespace callboard {

Result<std::unique_ptr<SourceFeed>> SourceFeed::Open(const SourceContext& ctx,
                                                     std::string stream_id) {
  ImportOptions options;
  options.format = ctx.config.format;
  options.source_name = ctx.config.name;
  options.parser = ParserOptionsOf(ctx.config);
  options.observer = ctx.observer;
  auto ingestor = StreamIngestor::Open(ctx.db, ctx.clock, ctx.scope, options, std::move(stream_id));
  if (!ingestor) return ingestor.error();
  return std::unique_ptr<SourceFeed>(new SourceFeed(ctx, std::move(*ingestor)));
}

SourceFeed::SourceFeed(const SourceContext& ctx, std::unique_ptr<StreamIngestor> ingestor)
    : ctx_(ctx), ingestor_(std::move(ingestor)), line_no_(ingestor_->resume_after()) {}

void SourceFeed::Line(std::string_view line) {
  ingestor_->Feed(line, ++line_no_);
  if (IsBlankLine(line)) return;
  if (!oldest_waiting_) oldest_waiting_ = std::chrono::steady_clock::now();
  const TimePoint now = ctx_.clock.Now();
  ctx_.status.Update([&](SourceStatus& s) {
    ++s.lines;
    s.last_event_at = now;
  });
}

Status SourceFeed::FlushIfDue(const StreamIngestor::CursorAt& cursor_at) {
  if (ingestor_->unflushed_lines() == 0) return Status::Ok();
  if (ingestor_->unflushed_lines() >= static_cast<int64_t>(ctx_.timings.flush_lines) ||
      TimeToFlush(ctx_.timings.flush_after).count() <= 0) {
    return Flush(cursor_at);
  }
  return Status::Ok();
}

Status SourceFeed::Flush(const StreamIngestor::CursorAt& cursor_at) {
  CB_RETURN_IF_ERROR(ingestor_->Flush(cursor_at));
  oldest_waiting_.reset();
  Publish();
  return Status::Ok();
}

Status SourceFeed::FinishInput(const StreamIngestor::CursorAt& cursor_at) {
  CB_RETURN_IF_ERROR(ingestor_->FinishInput(cursor_at));
  oldest_waiting_.reset();
  Publish();
  return Status::Ok();
}

std::chrono::milliseconds SourceFeed::TimeToFlush(std::chrono::milliseconds idle) const {
  if (!oldest_waiting_) return idle;
  const auto due = *oldest_waiting_ + ctx_.timings.flush_after;
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(due - std::chrono::steady_clock::now());
  return std::max(std::chrono::milliseconds(0), left);
}

void SourceFeed::SetState(SourceState state, std::optional<std::string> detail) {
  const TimePoint now = ctx_.clock.Now();
  ctx_.status.Update([&](SourceStatus& s) {
    if (s.state != state) s.since = now;
    s.state = state;
    if (detail) s.detail = std::move(*detail);
  });
}

void SourceFeed::Publish() {
  const ImportSummary& now = ingestor_->summary();
  const std::optional<TimePoint> newest = ingestor_->newest_event();
  ctx_.status.Update([&](SourceStatus& s) {
    s.calls += now.calls - published_.calls;
    s.rejects += now.rejected - published_.rejected;
    s.duplicates += now.duplicates - published_.duplicates;
    if (newest && (!s.newest_event || *newest > *s.newest_event)) s.newest_event = newest;
  });
  published_.calls = now.calls;
  published_.rejected = now.rejected;
  published_.duplicates = now.duplicates;
}

}  // namespace callboard
