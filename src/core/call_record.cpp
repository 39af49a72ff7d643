#include "core/call_record.h"

#include <array>
#include <charconv>
#include <utility>

namespace callboard {

namespace {

constexpr std::array<std::pair<CallDirection, std::string_view>, 3> kDirections = {{
    {CallDirection::kInbound, "inbound"},
    {CallDirection::kOutbound, "outbound"},
    {CallDirection::kInternal, "internal"},
}};

constexpr std::array<std::pair<CallOutcome, std::string_view>, 8> kOutcomes = {{
    {CallOutcome::kAnswered, "answered"},
    {CallOutcome::kAbandoned, "abandoned"},
    {CallOutcome::kTimeout, "timeout"},
    {CallOutcome::kExitKey, "exit_key"},
    {CallOutcome::kExitEmpty, "exit_empty"},
    {CallOutcome::kVoicemail, "voicemail"},
    {CallOutcome::kMissed, "missed"},
    {CallOutcome::kFailed, "failed"},
}};

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return table[0].second;
}

template <typename E, size_t N>
std::optional<E> ValueOf(const std::array<std::pair<E, std::string_view>, N>& table,
                         std::string_view name) {
  for (const auto& [v, n] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view CallDirectionName(CallDirection d) { return NameOf(kDirections, d); }
std::optional<CallDirection> ParseCallDirection(std::string_view n) {
  return ValueOf(kDirections, n);
}
std::string_view CallOutcomeName(CallOutcome o) { return NameOf(kOutcomes, o); }
std::optional<CallOutcome> ParseCallOutcome(std::string_view n) { return ValueOf(kOutcomes, n); }

std::string EncodeRingAttempts(const std::vector<RingAttempt>& attempts) {
  std::string out;
  for (const RingAttempt& a : attempts) {
    out += std::to_string(ToUnixMillis(a.at));
    out += ' ';
    out += std::to_string(a.ring_ms);
    out += ' ';
    for (const char c : a.agent) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '\n';
  }
  return out;
}

std::optional<std::vector<RingAttempt>> DecodeRingAttempts(std::string_view text) {
  std::vector<RingAttempt> out;
  auto number = [](std::string_view& rest, int64_t& value) {
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (ec != std::errc() || end == rest.data() + rest.size() || *end != ' ') return false;
    rest.remove_prefix(static_cast<size_t>(end - rest.data()) + 1);
    return true;
  };
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view rest = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    RingAttempt& a = out.emplace_back();
    int64_t at = 0;
    if (!number(rest, at) || !number(rest, a.ring_ms)) return std::nullopt;
    a.at = FromUnixMillis(at);
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] != '\\') {
        a.agent += rest[i];
      } else if (i + 1 < rest.size() && (rest[i + 1] == '\\' || rest[i + 1] == 'n')) {
        a.agent += rest[++i] == 'n' ? '\n' : '\\';
      } else {
        return std::nullopt;
      }
    }
  }
  return out;
}

}  // namespace callboard
