#include "ingest/ami/ami_message.h"

#include <cctype>

namespace callboard {

namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

constexpr std::string_view kEndCommand = "--END COMMAND--";

// Splits "Key: Value" (one optional space after the colon). False when the line has no key.
bool SplitHeader(std::string_view line, std::string_view& key, std::string_view& value) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  key = line.substr(0, colon);
  if (key.find(' ') != std::string_view::npos) return false;
  value = line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return true;
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

void AmiMessage::Add(std::string key, std::string value) {
  headers_.push_back({std::move(key), std::move(value)});
}

std::optional<std::string_view> AmiMessage::Get(std::string_view key) const {
  for (const AmiHeader& h : headers_) {
    if (EqualsIgnoringCase(h.key, key)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> AmiMessage::GetAll(std::string_view key) const {
  std::vector<std::string_view> values;
  for (const AmiHeader& h : headers_) {
    if (EqualsIgnoringCase(h.key, key)) values.emplace_back(h.value);
  }
  return values;
}

void AmiMessage::AppendBody(std::string_view line) {
  if (has_body_) body_ += '\n';
  body_.append(line);
  has_body_ = true;
}

std::string AmiMessage::Serialize() const {
  std::string out;
  for (const AmiHeader& h : headers_) {
    out.append(h.key).append(": ").append(h.value).append("\r\n");
  }
  out.append("\r\n");
  return out;
}

AmiFramer::AmiFramer(AmiLimits limits, bool expect_banner)
    : limits_(limits), expect_banner_(expect_banner) {}

Status AmiFramer::Fail(std::string message) {
  error_ = Status(StatusCode::kInvalidArgument,
                  "AMI " + message + " (message " + std::to_string(messages_ + 1) + ")");
  return error_;
}

Status AmiFramer::Feed(std::string_view bytes, std::vector<AmiMessage>& out) {
  if (!error_.ok()) return error_;
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    const std::string_view chunk =
        bytes.substr(0, nl == std::string_view::npos ? bytes.size() : nl);
    // One byte of slack for the CR of a CRLF that is still to come.
    if (partial_.size() + chunk.size() > limits_.max_line + 1) {
      return Fail("line longer than " + std::to_string(limits_.max_line) + " bytes");
    }
    if (nl == std::string_view::npos) {
      partial_.append(chunk);
      break;
    }
    std::string_view line = chunk;
    if (!partial_.empty()) {
      partial_.append(chunk);
      line = partial_;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > limits_.max_line) {
      return Fail("line longer than " + std::to_string(limits_.max_line) + " bytes");
    }
    Status status = Line(line, out);
    partial_.clear();
    if (!status.ok()) return status;
    bytes.remove_prefix(nl + 1);
  }
  return Status::Ok();
}

Status AmiFramer::Line(std::string_view line, std::vector<AmiMessage>& out) {
  if (expect_banner_ && !banner_) {
    banner_ = std::string(line);
    return Status::Ok();
  }
  if (line.empty() && !follows_) {
    if (in_message_) {
      out.push_back(std::move(current_));
      current_ = AmiMessage();
      current_bytes_ = 0;
      in_message_ = false;
      follows_ended_ = false;
      ++messages_;
    }
    return Status::Ok();
  }
  in_message_ = true;
  current_bytes_ += line.size() + 2;
  if (current_bytes_ > limits_.max_message) {
    return Fail("message larger than " + std::to_string(limits_.max_message) + " bytes");
  }
  std::string_view key;
  std::string_view value;
  if (follows_) {
    // Output of "Response: Follows": everything up to the marker, which may end the last
    // output line rather than stand on its own.
    if (line.size() >= kEndCommand.size() &&
        line.substr(line.size() - kEndCommand.size()) == kEndCommand) {
      const std::string_view rest = line.substr(0, line.size() - kEndCommand.size());
      if (!rest.empty()) current_.AppendBody(rest);
      follows_ = false;
      follows_ended_ = true;
    } else if (!current_.has_body() && SplitHeader(line, key, value) &&
               (EqualsIgnoringCase(key, "Privilege") || EqualsIgnoringCase(key, "ActionID"))) {
      current_.Add(std::string(key), std::string(value));
    } else {
      current_.AppendBody(line);
    }
    return Status::Ok();
  }
  if (!SplitHeader(line, key, value) || follows_ended_) {
    current_.AppendBody(line);
    return Status::Ok();
  }
  if (current_.headers().size() >= limits_.max_headers) {
    return Fail("message with more than " + std::to_string(limits_.max_headers) + " headers");
  }
  if (EqualsIgnoringCase(key, "Response") && EqualsIgnoringCase(value, "Follows")) follows_ = true;
  current_.Add(std::string(key), std::string(value));
  return Status::Ok();
}

Result<std::string> SerializeAction(const AmiAction& action, std::string_view action_id) {
  auto invalid = [&](const std::string& field, const std::string& what) {
    return Status::Invalid({{field, "invalid", what}},
                           "AMI action " + action.name + ": " + field + " " + what);
  };
  if (action.name.empty() || HasLineBreak(action.name) ||
      action.name.find(':') != std::string::npos) {
    return invalid("Action", "must be a name without ':' or line breaks");
  }
  if (HasLineBreak(action_id)) return invalid("ActionID", "must not contain line breaks");
  std::string out = "Action: " + action.name + "\r\n";
  for (const auto& [key, value] : action.fields) {
    if (key.empty() || HasLineBreak(key) || key.find(':') != std::string::npos ||
        key.find(' ') != std::string::npos) {
      return invalid(key.empty() ? "(empty key)" : key, "is not a valid AMI header name");
    }
    if (HasLineBreak(value)) return invalid(key, "must not contain line breaks");
    out.append(key).append(": ").append(value).append("\r\n");
  }
  if (!action_id.empty()) out.append("ActionID: ").append(action_id).append("\r\n");
  out.append("\r\n");
  return out;
}

}  // namespace callboard
