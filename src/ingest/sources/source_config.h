#pragma once
// SourceConfig: a long-running source a tenant configures (issue 3) — a file tail, or a 3CX
// CDR feed over TCP in either of 3CX's socket modes — and the rules a configuration must
// satisfy before it is stored or run.
//
//   SourceConfig c{.name = "pbx1", .kind = SourceKind::k3cxTcpListen,
//                  .format = SourceFormat::k3cxCdr, .port = 5015};
//   CB_RETURN_IF_ERROR(ValidateSourceConfig(c, policy));  // field errors name the fields
//
// Thread-safety: values and pure functions.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "ingest/parsed.h"

namespace callboard {

enum class SourceKind {
  kFileTail,       // follows a file that a PBX appends to (queue_log, Master.csv, cdr.log)
  k3cxTcpListen,   // 3CX "active socket": 3CX connects to Callboard's port and pushes CDRs
  k3cxTcpConnect,  // 3CX "passive socket": 3CX listens, Callboard connects to host:port
  // Asterisk Manager Interface: Callboard logs in to host:port (5038 by default) and follows
  // queue member and caller events into live views; the same connection carries PBX control
  // (pause, monitor). Its format is asterisk-queue-log: its events are the queue_log's
  // events delivered live, the source's name and format identify it like any other source,
  // and it stores no calls (the queue_log or CDR sources do).
  kAsteriskAmi,
};

inline constexpr int kDefaultAmiPort = 5038;
inline constexpr const char* kDefaultAmiChannelTemplate = "PJSIP/{ext}";

// Names: file-tail, 3cx-tcp-listen, 3cx-tcp-connect, asterisk-ami.
std::string_view SourceKindName(SourceKind kind);
std::optional<SourceKind> ParseSourceKind(std::string_view name);

// How `serve` runs one ingest source (KpiStore's IngestSource: the source's name, format and
// id, under which its calls, checkpoints and rejects are stored).
struct SourceConfig {
  int64_t id = 0;  // the ingest source's id
  std::string name;
  SourceKind kind = SourceKind::kFileTail;
  SourceFormat format = SourceFormat::kAsteriskQueueLog;
  std::string path;                  // file-tail: absolute path of the file
  std::string host;                  // connect: the PBX; listen: bind address ("" = all)
  std::optional<int> port;           // 3cx-tcp-*
  std::string time_zone = "UTC";     // of the PBX's wall-clock timestamps
  std::vector<std::string> columns;  // 3CX field list; empty = the default order
  std::string username;              // asterisk-ami: the manager.conf user
  std::string secret;                // asterisk-ami: its secret (never shown by the API)
  std::string channel_template;      // asterisk-ami: the supervisor's phone, "PJSIP/{ext}"
  bool enabled = true;
  TimePoint created_at;
  TimePoint updated_at;
};

// What the operator allows tenants to configure.
struct SourcePolicy {
  // A file tail's path must lie under one of these directories (after resolving symbolic
  // links), so that a tenant cannot read arbitrary server files. Empty: no file tails.
  std::vector<std::filesystem::path> tail_roots;
  int min_listen_port = 1024;  // listening below this needs privileges
};

// The parser options the source's lines are read with.
ParserOptions ParserOptionsOf(const SourceConfig& config);

// `c` with the defaults of its kind filled in (asterisk-ami: port 5038, channel template
// "PJSIP/{ext}").
SourceConfig WithKindDefaults(SourceConfig c);

// kInvalidArgument with one field error per problem: name (1..100 characters), kind and
// format (3CX kinds read 3cx-cdr, asterisk-ami asterisk-queue-log), path (file-tail only:
// absolute, under a tail root), host (connect kinds: required; a host name or address), port
// (TCP kinds only: 1..65535, listening from policy.min_listen_port; asterisk-ami may omit it),
// time_zone (IANA), columns (3cx-cdr only, a valid field list), username, secret and
// channel_template (asterisk-ami only; see ValidateAmiLinkConfig).
Status ValidateSourceConfig(const SourceConfig& config, const SourcePolicy& policy);

// OK when `path` resolves (symbolic links followed) to a place under one of `roots`.
Status CheckTailPath(const std::string& path, const std::vector<std::filesystem::path>& roots);

}  // namespace callboard
