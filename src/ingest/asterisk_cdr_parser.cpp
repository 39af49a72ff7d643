#include "ingest/asterisk_cdr_parser.h"

#include <algorithm>
#include <array>

#include "ingest/csv.h"

namespace callboard {

namespace {

enum Column : size_t {
  kAccountCode,
  kSrc,
  kDst,
  kDcontext,
  kClid,
  kChannel,
  kDstChannel,
  kLastApp,
  kLastData,
  kStart,
  kAnswer,
  kEnd,
  kDuration,
  kBillsec,
  kDisposition,
  kAmaFlags,
  kBaseColumns,
};

constexpr std::array<std::string_view, 5> kDispositions = {"ANSWERED", "NO ANSWER", "BUSY",
                                                           "FAILED", "CONGESTION"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsHex(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

// "SIP/1001-0000000a" → "SIP/1001"; "Local/a1001@agents-0000000b;1" → "Local/a1001@agents".
std::string ChannelIdentity(std::string_view channel) {
  const size_t semi = channel.rfind(';');
  if (semi != std::string_view::npos && channel.find('/') < semi) channel = channel.substr(0, semi);
  const size_t dash = channel.rfind('-');
  if (dash != std::string_view::npos && dash > channel.find('/') &&
      IsHex(channel.substr(dash + 1))) {
    channel = channel.substr(0, dash);
  }
  return std::string(channel);
}

// The other half of a Local channel: ";1" ↔ ";2". Empty for other technologies.
std::string LocalPeer(std::string_view channel) {
  if (!channel.starts_with("Local/") || channel.size() < 2) return {};
  std::string peer(channel);
  if (peer.ends_with(";1")) {
    peer.back() = '2';
    return peer;
  }
  return {};
}

std::string_view Field(std::string_view list, size_t n) {
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t sep = list.find_first_of(",|", pos);
    if (sep == std::string_view::npos) return {};
    pos = sep + 1;
  }
  const size_t sep = list.find_first_of(",|", pos);
  return list.substr(pos, sep == std::string_view::npos ? sep : sep - pos);
}

bool IsPhoneNumber(std::string_view n) {
  if (n.starts_with('+')) return n.size() > 1;
  size_t digits = 0;
  for (const char c : n) {
    if (c < '0' || c > '9') return false;
    ++digits;
  }
  return digits >= 7;
}

bool IsTrunkContext(std::string_view context) {
  const std::string c = Lower(context);
  for (const std::string_view word :
       {"from-trunk", "from-pstn", "from-did", "from-external", "incoming", "inbound"}) {
    if (c.find(word) != std::string::npos) return true;
  }
  return false;
}

// A userfield that names a recording: a URL, an absolute path, or an audio file name
// (FreePBX and MixMonitor dialplans store the file there).
bool LooksLikeRecording(std::string_view s) {
  if (s.starts_with("http://") || s.starts_with("https://") || s.starts_with("/")) return true;
  const std::string lower = Lower(s);
  for (const std::string_view ext : {".wav", ".mp3", ".gsm", ".ogg", ".wav49", ".opus"}) {
    if (lower.ends_with(ext)) return true;
  }
  return false;
}

int64_t Millis(TimePoint::duration d) { return std::max<int64_t>(0, d.count()); }

}  // namespace

std::optional<std::string> AsteriskCdrParser::ParseLeg(int64_t line_no, Leg& leg) {
  const size_t n = fields_.size();
  if (n < kBaseColumns || n > kBaseColumns + 5) {
    return "columns: " + std::to_string(n) + " fields, cdr_csv writes 16 to 21";
  }
  leg.line = line_no;
  leg.src = fields_[kSrc];
  leg.dst = fields_[kDst];
  leg.dcontext = fields_[kDcontext];
  leg.channel = fields_[kChannel];
  leg.dstchannel = fields_[kDstChannel];
  leg.lastapp = fields_[kLastApp];
  leg.lastdata = fields_[kLastData];
  leg.disposition = fields_[kDisposition];
  // Optional columns by count: 17 uniqueid; 18 +userfield; 19 new; 20 uniqueid+new; 21 all.
  if (n == 17 || n == 18 || n == 20 || n == 21) leg.uniqueid = fields_[kBaseColumns];
  if (n >= 19) leg.linkedid = fields_[n - 2];
  if (n >= 19) leg.sequence = fields_[n - 1];
  if (n == 18 || n == 21) {
    if (const std::string_view user = TrimSpace(fields_[kBaseColumns + 1]);
        LooksLikeRecording(user)) {
      leg.recording = user;
    }
  }

  if (auto e = ParseZonedTime(zone_, fields_[kStart], "start", std::nullopt, leg.start)) return e;
  if (auto e = ParseZonedTime(zone_, fields_[kEnd], "end", leg.start, leg.end)) return e;
  if (!fields_[kAnswer].empty()) {
    TimePoint answer;
    if (auto e = ParseZonedTime(zone_, fields_[kAnswer], "answer", leg.start, answer)) return e;
    leg.answer = answer;
  }
  if (leg.end < leg.start) return "end: before start";
  if (leg.end - leg.start > std::chrono::hours(24)) return "end: more than 24 h after start";
  if (leg.answer && (*leg.answer < leg.start || *leg.answer > leg.end)) {
    return "answer: outside start..end";
  }
  const std::optional<int64_t> duration = ParseInt64(fields_[kDuration]);
  if (!duration || *duration < 0) return "duration: not a number of seconds";
  const std::optional<int64_t> billsec = ParseInt64(fields_[kBillsec]);
  if (!billsec || *billsec < 0) return "billsec: not a number of seconds";
  if (*billsec > *duration) return "billsec: greater than duration";
  leg.billsec = *billsec;
  if (std::find(kDispositions.begin(), kDispositions.end(), leg.disposition) ==
      kDispositions.end()) {
    return "disposition: unknown value '" + leg.disposition + "'";
  }
  return std::nullopt;
}

void AsteriskCdrParser::ParseRecord(std::string_view line, int64_t line_no,
                                    std::vector<ParsedItem>& out,
                                    std::vector<ParseReject>& rejects) {
  const Status split = SplitCsv(line, fields_);
  if (!split.ok()) {
    AddReject(rejects, line_no, line, "line: " + split.message());
    return;
  }
  if (fields_.size() >= kBaseColumns && fields_[kAccountCode] == "accountcode" &&
      fields_[kStart] == "start") {
    return;  // a header row some exports add
  }
  Leg leg;
  if (std::optional<std::string> error = ParseLeg(line_no, leg)) {
    AddReject(rejects, line_no, line, std::move(*error));
    return;
  }
  auto note_missing_answer = [&](const Leg& l) {
    if (l.disposition != "ANSWERED" || l.answer) return;
    diagnostics_.push_back({"answered_without_answer_time",
                            !l.linkedid.empty() ? l.linkedid : l.uniqueid, line_no,
                            "leg " + l.channel +
                                " is ANSWERED with an empty answer column; its start stands in "
                                "for the answer time"});
  };
  const TimePoint start = leg.start;
  const bool joinable = fields_.size() >= 19;
  std::string key = !leg.linkedid.empty() ? leg.linkedid : leg.uniqueid;
  if (!joinable || key.empty()) {
    if (key.empty()) {
      key = leg.channel + "@" + std::to_string(ToUnixMillis(leg.start) / 1000);
    }
    note_missing_answer(leg);
    FlushIdle(start, out);
    out.emplace_back(BuildCall(key, {std::move(leg)}));
    return;
  }
  const auto known = first_line_of_.find(key);
  if (known == first_line_of_.end()) {
    note_missing_answer(leg);
    Group group{key, {}, leg.end};
    leg.raw = line;
    group.legs.push_back(std::move(leg));
    by_latest_end_.emplace(group.latest_end, line_no);
    first_line_of_.emplace(std::move(key), line_no);
    groups_.emplace(line_no, std::move(group));
  } else {
    Group& group = groups_.at(known->second);
    leg.raw = line;
    // Asterisk writes several CDRs per channel (one per dial or bridge, same uniqueid), told
    // apart by their sequence number: the same uniqueid and sequence twice is a repeat.
    const Leg* repeated = nullptr;
    for (const Leg& other : group.legs) {
      if (!leg.uniqueid.empty() && other.uniqueid == leg.uniqueid &&
          other.sequence == leg.sequence) {
        repeated = &other;
        break;
      }
    }
    if (repeated != nullptr) {
      const bool same = repeated->raw == leg.raw;
      diagnostics_.push_back({same ? "duplicate_leg" : "conflicting_duplicate", group.key, line_no,
                              "leg uniqueid " + leg.uniqueid + " sequence " + leg.sequence +
                                  " repeats line " + std::to_string(repeated->line) +
                                  (same ? "; ignored" : " with different content; both are used")});
      if (same) {
        FlushIdle(start, out);
        return;
      }
    }
    note_missing_answer(leg);
    if (leg.end > group.latest_end) {
      by_latest_end_.erase({group.latest_end, known->second});
      group.latest_end = leg.end;
      by_latest_end_.emplace(group.latest_end, known->second);
    }
    group.legs.push_back(std::move(leg));
  }
  FlushIdle(start, out);
}

void AsteriskCdrParser::FlushIdle(TimePoint now, std::vector<ParsedItem>& out) {
  std::vector<int64_t> idle;
  for (auto it = by_latest_end_.begin();
       it != by_latest_end_.end() && now - it->first > kCdrGroupIdle;) {
    idle.push_back(it->second);
    it = by_latest_end_.erase(it);
  }
  std::sort(idle.begin(), idle.end());  // emit in file order
  for (const int64_t first_line : idle) {
    auto node = groups_.extract(first_line);
    first_line_of_.erase(node.mapped().key);
    out.emplace_back(BuildCall(node.mapped().key, node.mapped().legs));
  }
}

void AsteriskCdrParser::Finish(std::vector<ParsedItem>& out,
                               std::vector<ParseReject>& /*rejects*/) {
  for (auto& [first_line, group] : groups_) out.emplace_back(BuildCall(group.key, group.legs));
  groups_.clear();
  first_line_of_.clear();
  by_latest_end_.clear();
}

void AsteriskCdrParser::TakeDiagnostics(std::vector<IngestDiagnostic>& out) {
  for (IngestDiagnostic& d : diagnostics_) out.push_back(std::move(d));
  diagnostics_.clear();
}

int64_t AsteriskCdrParser::OldestPendingLine() const {
  return groups_.empty() ? 0 : groups_.begin()->first;
}

CallRecord AsteriskCdrParser::BuildCall(const std::string& call_id,
                                        const std::vector<Leg>& legs_in) {
  std::vector<const Leg*> legs;
  for (const Leg& leg : legs_in) legs.push_back(&leg);
  std::stable_sort(legs.begin(), legs.end(),
                   [](const Leg* a, const Leg* b) { return a->start < b->start; });

  CallRecord call;
  call.pbx_call_id = call_id;
  const Leg* origin = legs.front();
  for (const Leg* leg : legs) {
    if (leg->uniqueid == call_id) {
      origin = leg;
      break;
    }
  }
  call.caller = origin->src;
  call.callee = origin->dst;
  call.started_at = legs.front()->start;
  for (const Leg* leg : legs) {
    if (!leg->recording.empty()) {
      call.recording = leg->recording;
      break;
    }
  }
  call.ended_at = legs.front()->end;
  for (const Leg* leg : legs) call.ended_at = std::max(call.ended_at, leg->end);

  auto find_channel = [&](std::string_view channel) -> const Leg* {
    if (channel.empty()) return nullptr;
    for (const Leg* leg : legs) {
      if (leg->channel == channel) return leg;
    }
    return nullptr;
  };
  const bool voicemail = std::any_of(legs.begin(), legs.end(), [](const Leg* l) {
    return Lower(l->lastapp) == "voicemail" && l->disposition == "ANSWERED";
  });

  std::vector<const Leg*> queue_legs;
  for (const Leg* leg : legs) {
    if (Lower(leg->lastapp) == "queue") queue_legs.push_back(leg);
  }
  if (!queue_legs.empty()) {
    call.direction = CallDirection::kInbound;
    const Leg* answered = nullptr;
    for (const Leg* leg : queue_legs) {
      if (leg->disposition == "ANSWERED" && !leg->dstchannel.empty()) answered = leg;
    }
    const Leg* queue_leg = answered != nullptr ? answered : queue_legs.front();
    call.queue = std::string(Field(queue_leg->lastdata, 0));
    const TimePoint queued_at = queue_legs.front()->start;
    if (answered != nullptr) {
      call.outcome = CallOutcome::kAnswered;
      call.agent = ChannelIdentity(answered->dstchannel);
      const Leg* agent_leg = find_channel(LocalPeer(answered->dstchannel));
      const Leg* talk_leg = agent_leg != nullptr && agent_leg->answer ? agent_leg : answered;
      call.answered_at = talk_leg->answer ? *talk_leg->answer : talk_leg->start;
      call.talk_ms = talk_leg->billsec * 1000;
      call.wait_ms = Millis(*call.answered_at - queued_at);
    } else {
      TimePoint left = queued_at;
      for (const Leg* leg : queue_legs) left = std::max(left, leg->end);
      call.wait_ms = Millis(left - queued_at);
      const std::optional<int64_t> timeout = ParseInt64(Field(queue_leg->lastdata, 4));
      if (voicemail) {
        call.outcome = CallOutcome::kVoicemail;
      } else if (timeout && *timeout > 0 && call.wait_ms >= *timeout * 1000) {
        call.outcome = CallOutcome::kTimeout;
      } else {
        call.outcome = CallOutcome::kAbandoned;
      }
    }
    return call;
  }

  if (IsTrunkContext(origin->dcontext) || IsPhoneNumber(origin->src)) {
    call.direction = CallDirection::kInbound;
  } else if (IsPhoneNumber(origin->dst)) {
    call.direction = CallDirection::kOutbound;
  } else {
    call.direction = CallDirection::kInternal;
  }
  const Leg* dialled = nullptr;  // a Dial (or similar) the far end answered
  const Leg* app = nullptr;      // answered by the PBX itself (IVR, Playback, …)
  for (const Leg* leg : legs) {
    if (leg->disposition != "ANSWERED") continue;
    if (!leg->dstchannel.empty() && dialled == nullptr) dialled = leg;
    if (leg->dstchannel.empty() && app == nullptr) app = leg;
  }
  if (call.direction == CallDirection::kOutbound) call.agent = ChannelIdentity(origin->channel);
  if (dialled != nullptr) {
    call.outcome = CallOutcome::kAnswered;
    if (call.direction != CallDirection::kOutbound)
      call.agent = ChannelIdentity(dialled->dstchannel);
    call.answered_at = dialled->answer ? *dialled->answer : dialled->start;
    call.talk_ms = dialled->billsec * 1000;
  } else if (voicemail) {
    call.outcome = CallOutcome::kVoicemail;
  } else if (app != nullptr) {
    call.outcome = CallOutcome::kAnswered;
    call.answered_at = app->answer ? *app->answer : app->start;
    call.talk_ms = app->billsec * 1000;
  } else {
    const bool no_answer = std::any_of(legs.begin(), legs.end(),
                                       [](const Leg* l) { return l->disposition == "NO ANSWER"; });
    call.outcome = no_answer ? CallOutcome::kMissed : CallOutcome::kFailed;
  }
  call.wait_ms = Millis((call.answered_at ? *call.answered_at : call.ended_at) - call.started_at);
  return call;
}

}  // namespace callboard
