#include "live/live_feed_codec.h"

#include <boost/json.hpp>

namespace callboard {

namespace json = boost::json;

namespace {

json::value OptionalId(const std::optional<int64_t>& id) {
  return id ? json::value(*id) : json::value(nullptr);
}

json::value OptionalTime(const std::optional<TimePoint>& t) {
  return t ? json::value(ToUnixMillis(*t)) : json::value(nullptr);
}

json::array CallJson(const CommittedCall& committed) {
  const CallRecord& c = committed.call;
  return {c.pbx_call_id,
          CallDirectionName(c.direction),
          c.queue,
          c.agent,
          c.caller,
          c.callee,
          ToUnixMillis(c.started_at),
          OptionalTime(c.answered_at),
          ToUnixMillis(c.ended_at),
          c.wait_ms,
          c.talk_ms,
          c.hold_ms,
          c.acw_ms,
          CallOutcomeName(c.outcome),
          c.transfer_count,
          c.transferred_to,
          c.disposition,
          c.call_type,
          c.fcr ? json::value(*c.fcr) : json::value(nullptr),
          c.csat ? json::value(*c.csat) : json::value(nullptr),
          c.recording,
          EncodeRingAttempts(c.ring_attempts),
          OptionalId(committed.queue_id),
          OptionalId(committed.agent_id),
          committed.settings.sl_threshold_s,
          committed.settings.short_abandon_s,
          SlFormulaName(committed.settings.sl_formula)};
}

// Reads the fields of one JSON array in order; the first wrong one is kept as the error.
class Fields {
 public:
  Fields(const json::value& v, std::string where) : where_(std::move(where)) {
    if (const json::array* a = v.if_array()) {
      array_ = a;
    } else {
      Fail("an array");
    }
  }
  bool ok() const { return error_.empty(); }
  Status status() const {
    return Status::Invalid({{where_, "invalid", error_}}, "bad live feed item");
  }

  int64_t Int() {
    const json::value* v = Next();
    if (v != nullptr && v->is_int64()) return v->get_int64();
    if (v != nullptr && v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
    Fail("an integer");
    return 0;
  }
  std::optional<int64_t> OptionalInt() {
    const json::value* v = Peek();
    if (v != nullptr && v->is_null()) {
      ++index_;
      return std::nullopt;
    }
    return Int();
  }
  TimePoint Time() { return FromUnixMillis(Int()); }
  std::optional<TimePoint> OptionalTimePoint() {
    auto ms = OptionalInt();
    if (!ms) return std::nullopt;
    return FromUnixMillis(*ms);
  }
  std::string Text() {
    const json::value* v = Next();
    if (v != nullptr && v->is_string()) return std::string(v->get_string());
    Fail("a string");
    return {};
  }
  std::optional<bool> OptionalBool() {
    const json::value* v = Next();
    if (v != nullptr && v->is_null()) return std::nullopt;
    if (v != nullptr && v->is_bool()) return v->get_bool();
    Fail("true, false or null");
    return std::nullopt;
  }
  std::vector<std::string> Texts() {
    std::vector<std::string> out;
    const json::value* v = Next();
    if (v == nullptr || !v->is_array()) {
      Fail("an array of strings");
      return out;
    }
    for (const json::value& s : v->get_array()) {
      if (!s.is_string()) {
        Fail("an array of strings");
        return out;
      }
      out.emplace_back(s.get_string());
    }
    return out;
  }
  // A name parsed by `parse` (e.g. ParseCallOutcome); `fallback` when it is not one.
  template <typename E>
  E Name(std::optional<E> (*parse)(std::string_view), E fallback, const char* what) {
    auto v = parse(Text());
    if (!v) Fail(what);
    return v.value_or(fallback);
  }
  void Fail(std::string what) {
    if (error_.empty()) error_ = "field " + std::to_string(index_) + ": expected " + what;
  }
  void Check(bool good, std::string what) {
    if (!good) Fail(std::move(what));
  }

 private:
  const json::value* Peek() {
    if (array_ == nullptr || index_ >= array_->size()) return nullptr;
    return &(*array_)[index_];
  }
  const json::value* Next() {
    const json::value* v = Peek();
    ++index_;
    return v;
  }

  std::string where_;
  const json::array* array_ = nullptr;
  size_t index_ = 0;
  std::string error_;
};

Result<json::value> Parse(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Status::Invalid({{"payload", "invalid", ec.message()}}, "bad live feed item");
  return v;
}

// Decodes each element of `array` (named `name`[i] in errors) with `one`, appending to `out`.
template <typename T, typename Fn>
Status DecodeEach(const json::array& array, std::string_view name, std::vector<T>& out, Fn one) {
  for (size_t i = 0; i < array.size(); ++i) {
    Fields f(array[i], std::string(name) + "[" + std::to_string(i) + "]");
    T item = one(f);
    if (!f.ok()) return f.status();
    out.push_back(std::move(item));
  }
  return Status::Ok();
}

const json::array* Member(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr ? v->if_array() : nullptr;
}

}  // namespace

std::string EncodeCommittedBatch(const CommittedBatch& batch) {
  json::array events;
  for (const CommittedEvent& e : batch.events) {
    json::array data;
    for (const std::string& d : e.data) data.emplace_back(d);
    events.push_back(json::array{ToUnixMillis(e.at), e.call_id, e.event, OptionalId(e.queue_id),
                                 e.queue, OptionalId(e.agent_id), std::move(data)});
  }
  json::array calls;
  for (const CommittedCall& c : batch.calls) calls.push_back(CallJson(c));
  json::array states;
  for (const CommittedState& s : batch.states) {
    states.push_back(json::array{s.agent_id, OptionalId(s.queue_id), ToUnixMillis(s.change.at),
                                 s.change.agent, AgentStateName(s.change.state), s.change.reason,
                                 s.change.queue});
  }
  return json::serialize(json::object{
      {"events", std::move(events)}, {"calls", std::move(calls)}, {"states", std::move(states)}});
}

Result<CommittedBatch> DecodeCommittedBatch(std::string_view text) {
  auto v = Parse(text);
  if (!v) return v.error();
  const json::object* o = v->if_object();
  const json::array* events = o != nullptr ? Member(*o, "events") : nullptr;
  const json::array* calls = o != nullptr ? Member(*o, "calls") : nullptr;
  const json::array* states = o != nullptr ? Member(*o, "states") : nullptr;
  if (events == nullptr || calls == nullptr || states == nullptr) {
    return Status::Invalid({{"payload", "invalid", "expected events, calls and states arrays"}},
                           "bad live feed item");
  }
  CommittedBatch batch;
  CB_RETURN_IF_ERROR(DecodeEach(*events, "events", batch.events, [](Fields& f) {
    CommittedEvent e;
    e.at = f.Time();
    e.call_id = f.Text();
    e.event = f.Text();
    e.queue_id = f.OptionalInt();
    e.queue = f.Text();
    e.agent_id = f.OptionalInt();
    e.data = f.Texts();
    return e;
  }));
  CB_RETURN_IF_ERROR(DecodeEach(*calls, "calls", batch.calls, [](Fields& f) {
    CommittedCall cc;
    CallRecord& c = cc.call;
    c.pbx_call_id = f.Text();
    c.direction = f.Name(ParseCallDirection, CallDirection::kInbound, "a call direction");
    c.queue = f.Text();
    c.agent = f.Text();
    c.caller = f.Text();
    c.callee = f.Text();
    c.started_at = f.Time();
    c.answered_at = f.OptionalTimePoint();
    c.ended_at = f.Time();
    c.wait_ms = f.Int();
    c.talk_ms = f.Int();
    c.hold_ms = f.Int();
    c.acw_ms = f.Int();
    c.outcome = f.Name(ParseCallOutcome, CallOutcome::kAnswered, "a call outcome");
    c.transfer_count = static_cast<int>(f.Int());
    c.transferred_to = f.Text();
    c.disposition = f.Text();
    c.call_type = f.Text();
    c.fcr = f.OptionalBool();
    if (auto csat = f.OptionalInt()) c.csat = static_cast<int>(*csat);
    c.recording = f.Text();
    auto rings = DecodeRingAttempts(f.Text());
    f.Check(rings.has_value(), "ring attempts");
    if (rings) c.ring_attempts = std::move(*rings);
    cc.queue_id = f.OptionalInt();
    cc.agent_id = f.OptionalInt();
    cc.settings.sl_threshold_s = static_cast<int>(f.Int());
    cc.settings.short_abandon_s = static_cast<int>(f.Int());
    cc.settings.sl_formula =
        f.Name(ParseSlFormula, SlFormula::kAbandonsCount, "a service-level formula");
    return cc;
  }));
  CB_RETURN_IF_ERROR(DecodeEach(*states, "states", batch.states, [](Fields& f) {
    CommittedState s;
    s.agent_id = f.Int();
    s.queue_id = f.OptionalInt();
    s.change.at = f.Time();
    s.change.agent = f.Text();
    s.change.state = f.Name(ParseAgentState, AgentState::kLoggedOut, "an agent state");
    s.change.reason = f.Text();
    s.change.queue = f.Text();
    return s;
  }));
  return batch;
}

std::string EncodeStatusItem(const StatusItem& item) {
  return json::serialize(
      json::array{item.agent_id, AgentStateName(item.state), item.reason, ToUnixMillis(item.at)});
}

Result<StatusItem> DecodeStatusItem(std::string_view text) {
  auto v = Parse(text);
  if (!v) return v.error();
  Fields f(*v, "status");
  StatusItem item;
  item.agent_id = f.Int();
  item.state = f.Name(ParseAgentState, AgentState::kLoggedOut, "an agent state");
  item.reason = f.Text();
  item.at = f.Time();
  if (!f.ok()) return f.status();
  return item;
}

std::string EncodeAlertIds(const std::vector<int64_t>& ids) {
  return json::serialize(json::value_from(ids));
}

Result<std::vector<int64_t>> DecodeAlertIds(std::string_view text) {
  auto v = Parse(text);
  if (!v) return v.error();
  Fields f(*v, "alerts");
  std::vector<int64_t> ids;
  if (const json::array* a = v->if_array()) {
    for (size_t i = 0; i < a->size() && f.ok(); ++i) ids.push_back(f.Int());
  }
  if (!f.ok()) return f.status();
  return ids;
}

}  // namespace callboard
