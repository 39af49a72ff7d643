#include "core/call_record.h"

#include <array>
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

}  // namespace callboard
