#include "ingest/sources/source_config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <system_error>
#include <utility>

#include "core/time_zone.h"
#include "ingest/ami/ami_config.h"

namespace callboard {

namespace {

constexpr std::array<std::pair<SourceKind, std::string_view>, 4> kKindNames = {{
    {SourceKind::kFileTail, "file-tail"},
    {SourceKind::k3cxTcpListen, "3cx-tcp-listen"},
    {SourceKind::k3cxTcpConnect, "3cx-tcp-connect"},
    {SourceKind::kAsteriskAmi, "asterisk-ami"},
}};

constexpr size_t kMaxNameChars = 100;
constexpr size_t kMaxPathChars = 4096;
constexpr size_t kMaxHostChars = 253;

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool IsHostName(const std::string& host) {
  if (host.empty() || host.size() > kMaxHostChars) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':';
  });
}

// Whether `inner` is `outer` or lies below it (both lexically normal and absolute).
bool IsWithin(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

}  // namespace

std::string_view SourceKindName(SourceKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return kKindNames[0].second;
}

std::optional<SourceKind> ParseSourceKind(std::string_view name) {
  for (const auto& [k, n] : kKindNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

ParserOptions ParserOptionsOf(const SourceConfig& config) {
  ParserOptions options;
  options.time_zone = config.time_zone;
  if (config.format == SourceFormat::k3cxCdr) options.columns = config.columns;
  return options;
}

Status CheckTailPath(const std::string& path, const std::vector<std::filesystem::path>& roots) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(fs::path(path), ec);
  if (ec) return Status::Invalid({{"path", "invalid", "cannot resolve: " + ec.message()}});
  for (const fs::path& root : roots) {
    std::error_code ec2;
    const fs::path r = fs::weakly_canonical(root, ec2);
    if (!ec2 && IsWithin(resolved, r)) return Status::Ok();
  }
  std::string allowed;
  for (const fs::path& root : roots) allowed += (allowed.empty() ? "" : ", ") + root.string();
  return Status::Invalid(
      {{"path", "outside_roots",
        roots.empty() ? "file tails are not enabled on this server (no tail root configured)"
                      : "must lie under one of the allowed directories: " + allowed}});
}

SourceConfig WithKindDefaults(SourceConfig c) {
  if (c.kind == SourceKind::kAsteriskAmi) {
    if (!c.port) c.port = kDefaultAmiPort;
    if (c.channel_template.empty()) c.channel_template = kDefaultAmiChannelTemplate;
  }
  return c;
}

Status ValidateSourceConfig(const SourceConfig& c, const SourcePolicy& policy) {
  std::vector<FieldError> errors;
  auto error = [&](std::string field, std::string code, std::string message) {
    errors.push_back({std::move(field), std::move(code), std::move(message)});
  };
  if (c.name.empty()) {
    error("name", "required", "must not be empty");
  } else if (c.name.size() > kMaxNameChars) {
    error("name", "too_long", "at most 100 characters");
  }
  if (c.kind == SourceKind::kAsteriskAmi) {
    if (c.format != SourceFormat::kAsteriskQueueLog) {
      error("format", "invalid", "an asterisk-ami source reads asterisk-queue-log");
    }
    if (!c.path.empty()) error("path", "not_allowed", "only file tails have a path");
    if (!c.columns.empty())
      error("columns", "not_allowed", "only 3cx-cdr sources have a column list");
    const SourceConfig d = WithKindDefaults(c);
    const AmiLinkConfig link{.host = d.host,
                             .port = *d.port,
                             .username = d.username,
                             .secret = d.secret,
                             .channel_template = d.channel_template};
    if (Status s = ValidateAmiLinkConfig(link); !s.ok()) {
      for (const FieldError& f : s.field_errors()) errors.push_back(f);
      if (s.field_errors().empty()) error("host", "invalid", s.message());
    }
    if (!IsValidTimeZone(c.time_zone)) {
      error("time_zone", "invalid", "unknown IANA time zone '" + c.time_zone + "'");
    }
    if (!errors.empty()) return Status::Invalid(std::move(errors));
    return Status::Ok();
  }
  if (!c.username.empty()) error("username", "not_allowed", "only asterisk-ami sources log in");
  if (!c.secret.empty()) error("secret", "not_allowed", "only asterisk-ami sources log in");
  if (!c.channel_template.empty()) {
    error("channel_template", "not_allowed", "only asterisk-ami sources monitor calls");
  }
  const bool tcp = c.kind != SourceKind::kFileTail;
  if (tcp && c.format != SourceFormat::k3cxCdr) {
    error("format", "invalid", "a 3CX TCP source reads 3cx-cdr");
  }
  if (c.kind == SourceKind::kFileTail) {
    if (c.path.empty()) {
      error("path", "required", "a file tail needs the path of the file");
    } else if (c.path.size() > kMaxPathChars) {
      error("path", "too_long", "at most 4096 characters");
    } else if (c.path.front() != '/') {
      error("path", "invalid", "must be an absolute path");
    } else if (Status s = CheckTailPath(c.path, policy.tail_roots); !s.ok()) {
      for (const FieldError& f : s.field_errors()) errors.push_back(f);
    }
    if (!c.host.empty()) error("host", "not_allowed", "only 3CX TCP sources have a host");
    if (c.port) error("port", "not_allowed", "only 3CX TCP sources have a port");
  } else {
    if (!c.path.empty()) error("path", "not_allowed", "only file tails have a path");
    if (c.kind == SourceKind::k3cxTcpConnect) {
      if (c.host.empty()) {
        error("host", "required", "the address of the 3CX server to connect to");
      } else if (!IsHostName(c.host)) {
        error("host", "invalid", "must be a host name or an IP address");
      }
    } else if (!c.host.empty() && !IsIpLiteral(c.host)) {
      error("host", "invalid", "the address to listen on must be an IP address (or empty)");
    }
    const int min_port = c.kind == SourceKind::k3cxTcpListen ? policy.min_listen_port : 1;
    if (!c.port) {
      error("port", "required", "the TCP port of the 3CX CDR socket");
    } else if (*c.port < min_port || *c.port > 65535) {
      error("port", "out_of_range", "must be between " + std::to_string(min_port) + " and 65535");
    }
  }
  if (!IsValidTimeZone(c.time_zone)) {
    error("time_zone", "invalid", "unknown IANA time zone '" + c.time_zone + "'");
  }
  if (!c.columns.empty() && c.format != SourceFormat::k3cxCdr) {
    error("columns", "not_allowed", "only 3cx-cdr sources have a column list");
  } else if (c.format == SourceFormat::k3cxCdr && !c.columns.empty()) {
    ParserOptions options;
    options.columns = c.columns;
    if (auto parser = MakeParser(c.format, options); !parser) {
      for (const FieldError& f : parser.error().field_errors()) {
        error("columns", f.code, f.message);
      }
      if (parser.error().field_errors().empty()) {
        error("columns", "invalid", parser.error().message());
      }
    }
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return Status::Ok();
}

}  // namespace callboard
