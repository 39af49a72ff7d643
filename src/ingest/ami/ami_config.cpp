#include "ingest/ami/ami_config.h"

#include <vector>

namespace callboard {

namespace {

bool HasLineBreak(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

}  // namespace

Status ValidateAmiLinkConfig(const AmiLinkConfig& config) {
  std::vector<FieldError> errors;
  auto bad = [&](const char* field, const char* code, const char* message) {
    errors.push_back({field, code, message});
  };
  if (config.host.empty()) {
    bad("host", "required", "the Asterisk server's name or address is required");
  } else if (config.host.size() > 253 ||
             config.host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "0123456789.-:[]") != std::string::npos) {
    bad("host", "invalid", "must be a host name or an IP address");
  }
  if (config.port < 1 || config.port > 65535) bad("port", "invalid", "must be 1..65535");
  if (config.username.empty()) {
    bad("username", "required", "the manager.conf user is required");
  } else if (config.username.size() > 100 ||
             config.username.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
                                               "WXYZ0123456789_-.@") != std::string::npos) {
    bad("username", "invalid", "must be letters, digits, '_', '-', '.' or '@' (at most 100)");
  }
  if (config.secret.empty()) {
    bad("secret", "required", "the manager.conf secret is required");
  } else if (config.secret.size() > 200 || HasLineBreak(config.secret)) {
    bad("secret", "invalid", "must be at most 200 characters without line breaks");
  }
  const std::string& t = config.channel_template;
  const size_t slot = t.find("{ext}");
  if (slot == std::string::npos || t.find("{ext}", slot + 1) != std::string::npos) {
    bad("channel_template", "invalid", "must contain {ext} exactly once, e.g. PJSIP/{ext}");
  } else if (t.find('/') == std::string::npos || t.find('/') == 0 ||
             t.find_first_of(",|\r\n") != std::string::npos) {
    bad("channel_template", "invalid", "must be a channel such as PJSIP/{ext}, without ','");
  }
  if (errors.empty()) return Status::Ok();
  return Status::Invalid(std::move(errors), "AMI link: invalid configuration");
}

AmiClientOptions ClientOptionsOf(const AmiLinkConfig& config) {
  AmiClientOptions options;
  options.host = config.host;
  options.port = config.port;
  options.username = config.username;
  options.secret = config.secret;
  return options;
}

ChanSpyOptions ChanSpyOptionsOf(const AmiLinkConfig& config) {
  ChanSpyOptions options;
  options.channel_template = config.channel_template;
  return options;
}

}  // namespace callboard
