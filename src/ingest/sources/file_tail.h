#pragma once
// FileTail: follows a file a PBX appends to (Asterisk queue_log or Master.csv, a 3CX cdr.log)
// and feeds its lines to the source's pipeline as they are written.
//
// - Polls the file every timings.poll; a last line without its newline waits for it.
// - Identity of a file: device + inode, plus a hash of its first bytes (up to 1 KiB).
// - Rotation (a new inode at the path): the old file is read to its end (a last unterminated
//   line counts as a line), then the new one is read from its start. While the path is
//   missing (renamed, not yet re-created) the old file is still followed.
// - Truncation (the file shrinks below what was read, or its first bytes change): read again
//   from offset 0 as new content.
// - Checkpoint: stored with the data of each commit — the identity of the file and the byte
//   offset just after the last line ingested. After a restart the tail resumes there; when
//   the file was rotated meanwhile, the rotated file (a sibling such as queue_log.1 with the
//   same identity) is finished first.
// - The path must lie under one of the policy's tail roots (checked at every start).
//
// Thread-safety: Run on one thread; stop it with the context's StopSignal.

#include "core/status.h"
#include "ingest/sources/source_feed.h"

namespace callboard {

class FileTail {
 public:
  explicit FileTail(const SourceContext& ctx) : ctx_(ctx) {}

  // Follows the file until the stop signal (OK, after committing what was read) or a failure
  // (the caller retries with backoff).
  Status Run();

 private:
  const SourceContext& ctx_;
};

}  // namespace callboard
