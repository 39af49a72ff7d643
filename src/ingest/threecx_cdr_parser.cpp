#include "ingest/threecx_cdr_parser.h"

#include <algorithm>

#include "ingest/csv.h"

namespace callboard {

namespace {

// Indexes into k3cxDefaultColumns.
enum Column : size_t {
  kHistoryId,
  kCallId,
  kDuration,
  kTimeStart,
  kTimeAnswered,
  kTimeEnd,
  kReasonTerminated,
  kFromNo,
  kToNo,
  kFromDn,
  kToDn,
  kDialNo,
  kReasonChanged,
  kFinalNumber,
  kFinalDn,
  kBillCode,
  kBillRate,
  kBillCost,
  kBillName,
  kChain,
  kFromType,
  kToType,
  kFinalType,
  kFromDispname,
  kToDispname,
  kFinalDispname,
  kMissedQueueCalls,
};

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

bool ContainsNoCase(std::string_view text, std::string_view word) {
  if (word.size() > text.size()) return false;
  for (size_t i = 0; i + word.size() <= text.size(); ++i) {
    if (EqualsNoCase(text.substr(i, word.size()), word)) return true;
  }
  return false;
}

bool IsOutside(std::string_view type) {
  return EqualsNoCase(type, "External") || EqualsNoCase(type, "Line");
}

std::string StripExt(std::string_view number) {
  if (number.starts_with("Ext.")) number.remove_prefix(4);
  return std::string(TrimSpace(number));
}

// "H:MM:SS" with any number of hour digits → seconds.
std::optional<int64_t> ParseHms(std::string_view s) {
  const size_t c1 = s.find(':');
  if (c1 == std::string_view::npos) return std::nullopt;
  const size_t c2 = s.find(':', c1 + 1);
  if (c2 == std::string_view::npos || c2 - c1 != 3 || s.size() - c2 != 3) return std::nullopt;
  const auto h = ParseInt64(s.substr(0, c1));
  const auto m = ParseInt64(s.substr(c1 + 1, 2));
  const auto sec = ParseInt64(s.substr(c2 + 1, 2));
  if (!h || !m || !sec || *h < 0 || *m < 0 || *m > 59 || *sec < 0 || *sec > 59) return std::nullopt;
  return *h * 3600 + *m * 60 + *sec;
}

// "Chain: 07700900123,Ext.610,Ext.185," → {"07700900123", "Ext.610", "Ext.185"}.
std::vector<std::string_view> ChainEntries(std::string_view chain) {
  std::vector<std::string_view> entries;
  if (EqualsNoCase(chain.substr(0, 6), "Chain:")) chain.remove_prefix(6);
  size_t pos = 0;
  while (pos <= chain.size()) {
    const size_t comma = chain.find(',', pos);
    const std::string_view entry =
        TrimSpace(chain.substr(pos, comma == std::string_view::npos ? comma : comma - pos));
    if (!entry.empty()) entries.push_back(entry);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return entries;
}

constexpr std::chrono::hours kMaxCall{24};

}  // namespace

Result<std::unique_ptr<ThreecxCdrParser>> ThreecxCdrParser::Make(
    ZoneConverter zone, const std::vector<std::string>& columns) {
  std::vector<size_t> column_at;
  if (columns.empty()) {
    for (size_t i = 0; i < k3cxDefaultColumns.size(); ++i) column_at.push_back(i);
  }
  for (const std::string& name : columns) {
    const auto it = std::find(k3cxDefaultColumns.begin(), k3cxDefaultColumns.end(), name);
    if (it == k3cxDefaultColumns.end()) {
      return Status::Invalid({{"columns", "invalid", "unknown 3CX CDR field '" + name + "'"}},
                             "unknown 3CX CDR field");
    }
    const size_t column = static_cast<size_t>(it - k3cxDefaultColumns.begin());
    if (std::find(column_at.begin(), column_at.end(), column) != column_at.end()) {
      return Status::Invalid({{"columns", "invalid", "3CX CDR field '" + name + "' repeated"}},
                             "repeated 3CX CDR field");
    }
    column_at.push_back(column);
  }
  for (const size_t required : {kCallId, kTimeStart, kTimeEnd}) {
    if (std::find(column_at.begin(), column_at.end(), required) == column_at.end()) {
      return Status::Invalid(
          {{"columns", "required",
            "the 3CX CDR fields must include " + std::string(k3cxDefaultColumns[required])}},
          "3CX CDR field missing");
    }
  }
  return std::unique_ptr<ThreecxCdrParser>(new ThreecxCdrParser(zone, std::move(column_at)));
}

ThreecxCdrParser::ThreecxCdrParser(ZoneConverter zone, std::vector<size_t> column_at)
    : zone_(zone), column_at_(std::move(column_at)) {
  position_of_.fill(-1);
  for (size_t i = 0; i < column_at_.size(); ++i) position_of_[column_at_[i]] = static_cast<int>(i);
}

std::string_view ThreecxCdrParser::Get(size_t column) const {
  const int position = position_of_[column];
  return position < 0 ? std::string_view()
                      : std::string_view(fields_[static_cast<size_t>(position)]);
}

void ThreecxCdrParser::ParseRecord(std::string_view line, int64_t line_no,
                                   std::vector<ParsedItem>& out,
                                   std::vector<ParseReject>& rejects) {
  auto reject = [&](std::string reason) { AddReject(rejects, line_no, line, std::move(reason)); };
  const Status split = SplitCsv(line, fields_);
  if (!split.ok()) return reject("line: " + split.message());
  if (fields_.size() == column_at_.size() + 1 && fields_.back().empty()) fields_.pop_back();
  if (fields_.size() != column_at_.size()) {
    return reject("columns: " + std::to_string(fields_.size()) + " fields, expected " +
                  std::to_string(column_at_.size()));
  }
  if (fields_[0] == k3cxDefaultColumns[column_at_[0]]) return;  // header row

  CallRecord call;
  call.pbx_call_id = std::string(TrimSpace(Get(kCallId)));
  if (call.pbx_call_id.empty()) return reject("callid: empty");
  if (Get(kTimeStart).empty()) return reject("time-start: empty");
  if (Get(kTimeEnd).empty()) return reject("time-end: empty");
  if (auto e =
          ParseZonedTime(zone_, Get(kTimeStart), "time-start", std::nullopt, call.started_at)) {
    return reject(std::move(*e));
  }
  if (!Get(kTimeAnswered).empty()) {
    TimePoint answered;
    if (auto e =
            ParseZonedTime(zone_, Get(kTimeAnswered), "time-answered", call.started_at, answered)) {
      return reject(std::move(*e));
    }
    call.answered_at = answered;
  }
  if (auto e = ParseZonedTime(zone_, Get(kTimeEnd), "time-end",
                              call.answered_at.value_or(call.started_at), call.ended_at)) {
    return reject(std::move(*e));
  }
  if (call.ended_at < call.started_at) return reject("time-end: before time-start");
  if (call.ended_at - call.started_at > kMaxCall) {
    return reject("time-end: more than 24 h after time-start");
  }
  if (call.answered_at &&
      (*call.answered_at < call.started_at || *call.answered_at > call.ended_at)) {
    return reject("time-answered: outside time-start..time-end");
  }
  std::optional<int64_t> duration_s;
  if (!TrimSpace(Get(kDuration)).empty()) {
    duration_s = ParseHms(TrimSpace(Get(kDuration)));
    if (!duration_s) return reject("duration: not HH:MM:SS");
    if (*duration_s > 24 * 3600) return reject("duration: over 24 h");
  }

  const std::string_view from_type = Get(kFromType);
  const std::string_view to_type = Get(kToType);
  const std::string_view final_type = Get(kFinalType);
  if (IsOutside(from_type)) {
    call.direction = CallDirection::kInbound;
  } else if (IsOutside(to_type) || IsOutside(final_type)) {
    call.direction = CallDirection::kOutbound;
  } else {
    call.direction = CallDirection::kInternal;
  }
  call.caller = StripExt(Get(kFromNo));
  call.callee = StripExt(Get(kToNo));
  if (EqualsNoCase(to_type, "Queue")) call.queue = std::string(TrimSpace(Get(kToDn)));

  const std::string_view to_dn = TrimSpace(Get(kToDn));
  const std::string_view final_dn = TrimSpace(Get(kFinalDn));
  if (call.direction == CallDirection::kOutbound) {
    call.agent = std::string(TrimSpace(Get(kFromDn)));
  } else if (call.answered_at) {
    call.agent = std::string(!final_dn.empty() ? final_dn : to_dn);
  }

  if (call.answered_at) {
    call.outcome = CallOutcome::kAnswered;
    call.talk_ms = duration_s ? *duration_s * 1000 : (call.ended_at - *call.answered_at).count();
    call.wait_ms = (*call.answered_at - call.started_at).count();
  } else {
    const std::string_view reason = TrimSpace(Get(kReasonTerminated));
    const bool queued = !call.queue.empty();
    if (ContainsNoCase(to_type, "vmail") || ContainsNoCase(to_type, "voicemail") ||
        ContainsNoCase(final_type, "vmail") || ContainsNoCase(final_type, "voicemail")) {
      call.outcome = CallOutcome::kVoicemail;
    } else if (reason.starts_with("Failed") && !EqualsNoCase(reason, "Failed_Cancelled")) {
      call.outcome = CallOutcome::kFailed;
    } else {
      call.outcome = queued ? CallOutcome::kAbandoned : CallOutcome::kMissed;
    }
    call.wait_ms = (call.ended_at - call.started_at).count();
  }

  const std::vector<std::string_view> chain = ChainEntries(Get(kChain));
  if (chain.size() > 2) {
    call.transfer_count = static_cast<int>(chain.size() - 2);
    call.transferred_to = StripExt(chain.back());
  } else if (chain.empty() && !final_dn.empty() && final_dn != to_dn) {
    call.transfer_count = 1;
    call.transferred_to = std::string(final_dn);
  }
  out.emplace_back(std::move(call));
}

}  // namespace callboard
