#pragma once
// AmiLinkConfig: what an administrator configures for an AMI link (the future `asterisk-ami`
// source kind) — where the manager interface is, its manager.conf user, and the channel
// template supervisors are rung on — with the checks it must pass before it is stored or run.
//
//   AmiLinkConfig c{.host = "10.0.4.10", .username = "callboard", .secret = "…"};
//   CB_RETURN_IF_ERROR(ValidateAmiLinkConfig(c));  // field errors name the fields
//   AmiClient client(ClientOptionsOf(c), on_event);
//
// Thread-safety: values and pure functions.

#include <string>

#include "core/status.h"
#include "ingest/ami/ami_client.h"
#include "ingest/ami/ami_pbx_control.h"

namespace callboard {

struct AmiLinkConfig {
  std::string host;
  int port = 5038;
  std::string username;  // the manager.conf section
  std::string secret;
  std::string channel_template = "PJSIP/{ext}";  // the supervisor's phone for monitoring
};

// kInvalidArgument with one field error per problem: host (required; a host name or address),
// port (1..65535), username (required; letters, digits, '_', '-', '.', '@'; at most 100),
// secret (required; at most 200, no line breaks), channel_template (contains "{ext}" once,
// TECH/resource form, no ',' or line breaks).
Status ValidateAmiLinkConfig(const AmiLinkConfig& config);

// Client options for `config` with the production timings.
AmiClientOptions ClientOptionsOf(const AmiLinkConfig& config);
ChanSpyOptions ChanSpyOptionsOf(const AmiLinkConfig& config);

}  // namespace callboard
