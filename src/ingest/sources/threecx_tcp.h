#pragma once
// The 3CX CDR service over TCP (3CX v18 Settings > CDR), in both of its socket modes. Each
// record is one CSV line ending in CRLF, fields as the administrator configured them
// (SourceConfig::columns; see threecx_cdr_parser.h).
//
// - ThreeCxListener — 3CX "active socket": 3CX is the client and connects to Callboard's
//   host:port to push records. Several connections may be open at once (3CX may open one
//   per record); a peer idle longer than timings.idle_timeout is closed (3CX connects again).
// - ThreeCxClient — 3CX "passive socket": 3CX listens and Callboard connects to host:port.
//   When the connection fails or closes, Run returns and the runner reconnects with backoff.
//
// On every connection: lines longer than 64 KiB are rejected (never buffered whole), a line
// that does not end within timings.line_timeout closes the connection, and TCP keepalive
// notices a vanished peer. A connection that closes mid-line delivers the partial line (the
// parser rejects it, so it is visible among the rejects). Records are idempotent by 3CX call
// id, so a record sent twice is counted once.
//
// Thread-safety: Run on one thread; stop it with the context's StopSignal.

#include "core/status.h"
#include "ingest/sources/source_feed.h"

namespace callboard {

class ThreeCxListener {
 public:
  explicit ThreeCxListener(const SourceContext& ctx) : ctx_(ctx) {}
  // Listens until the stop signal (OK) or a failure to listen (kUnavailable).
  Status Run();

 private:
  const SourceContext& ctx_;
};

class ThreeCxClient {
 public:
  explicit ThreeCxClient(const SourceContext& ctx) : ctx_(ctx) {}
  // Connects and reads until the stop signal (OK), or until the connection fails or ends
  // (kUnavailable, after committing what arrived).
  Status Run();

 private:
  const SourceContext& ctx_;
};

// Stream id of a 3CX TCP source's checkpoint (one stream; lines numbered on across
// connections and restarts).
inline constexpr const char* k3cxTcpStream = "3cx-tcp";

}  // namespace callboard
