#pragma once
// Importer: the ingest pipeline of DESIGN §3.1 for one stream of one source —
// lines → parser → (queue_log: call assembler) → calls and agent state changes →
// interval aggregates and agent state seconds → store, one transaction per batch that also
// stores the stream's checkpoint. Replaying a stream resumes after its checkpoint and a
// call already stored is never counted again, so re-imports and restarts after a crash
// leave exactly the numbers of one clean run. Unparseable lines are stored as rejects with
// their line number and reason; the rest of the batch proceeds.
//
// Thread-safety: an Importer may be used from several threads; one Import call processes
// one stream on the calling thread. Two concurrent imports of the same stream are not
// supported.

#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "core/tenant_scope.h"
#include "ingest/parsed.h"

namespace callboard {

class Database;
class IngestObserver;

struct ImportOptions {
  SourceFormat format = SourceFormat::kAsteriskQueueLog;
  std::string source_name;
  ParserOptions parser;
  // Lines per transaction: each commit is one fsync and one checkpoint, so a crash loses at
  // most this much work to redo.
  size_t batch_lines = 5000;
  // Called after each committed batch with the number of input bytes consumed so far.
  std::function<void(int64_t bytes)> progress;
  // Told what each batch stored once it committed (live views); may be null.
  IngestObserver* observer = nullptr;
};

inline constexpr size_t kMaxReportedRejects = 1000;

struct ImportSummary {
  int64_t accepted = 0;    // lines ingested now
  int64_t duplicates = 0;  // lines ingested before (by checkpoint) or calls already stored
  int64_t rejected = 0;    // lines that could not be parsed
  int64_t calls = 0;       // calls newly stored
  std::vector<ParseReject> rejects;  // the first kMaxReportedRejects
};

class Importer {
 public:
  // `observer` (may be null) is used by every import whose options name none.
  Importer(Database& db, const Clock& clock, IngestObserver* observer = nullptr)
      : db_(db), clock_(clock), observer_(observer) {}

  // Ingests `input` to its end as the stream `stream_id` (an identity of the stream's
  // content, e.g. a hash of its first bytes) of source `options.source_name` (created on
  // first use). `.gz` content is expected to be decompressed by the caller.
  Result<ImportSummary> Import(TenantScope scope, const ImportOptions& options, std::istream& input,
                               const std::string& stream_id);

  // REQUIRES: no Import running.
  void set_observer(IngestObserver* observer) { observer_ = observer; }

 private:
  Database& db_;
  const Clock& clock_;
  IngestObserver* observer_;
};

// Identity of a stream from its first bytes: a re-read of the same (or a grown) file gets
// the same identity and resumes after its checkpoint.
std::string StreamIdentity(std::string_view first_bytes);
inline constexpr size_t kStreamIdentityBytes = 64 * 1024;

}  // namespace callboard
