#include "ingest/asterisk_queue_log_parser.h"

#include <utility>

#include "ingest/csv.h"

namespace callboard {

namespace {

void SplitPipes(std::string_view text, std::vector<std::string>& out) {
  size_t pos = 0;
  while (true) {
    const size_t bar = text.find('|', pos);
    out.emplace_back(text.substr(pos, bar == std::string_view::npos ? bar : bar - pos));
    if (bar == std::string_view::npos) break;
    pos = bar + 1;
  }
}

void SplitPipesInto(std::string_view text, std::vector<std::string>& fields) {
  fields.clear();
  SplitPipes(text, fields);
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    const char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

bool IsEpoch(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if ((c < '0' || c > '9') && c != '.') return false;
  }
  return true;
}

std::string Quoted(std::string_view s) {
  constexpr size_t kMax = 40;
  return "'" + std::string(s.substr(0, kMax)) + (s.size() > kMax ? "…'" : "'");
}

// A header row names both a "time" and an "event" column.
bool IsHeader(const std::vector<std::string>& fields) {
  bool time = false, event = false;
  for (const std::string& f : fields) {
    time = time || EqualsNoCase(TrimSpace(f), "time");
    event = event || EqualsNoCase(TrimSpace(f), "event");
  }
  return time && event;
}

void TrimTrailingEmpty(std::vector<std::string>& data) {
  while (!data.empty() && data.back().empty()) data.pop_back();
}

bool AllEmpty(const std::vector<std::string>& fields, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) {
    if (!fields[i].empty()) return false;
  }
  return true;
}

}  // namespace

bool AsteriskQueueLogParser::TryHeader(std::string_view line, int64_t line_no,
                                       std::vector<ParseReject>& rejects) {
  Layout layout;
  for (size_t i = 0; i < fields_.size(); ++i) {
    const std::string_view name = TrimSpace(fields_[i]);
    const int index = static_cast<int>(i);
    int* slot = nullptr;
    if (EqualsNoCase(name, "time")) slot = &layout.time;
    if (EqualsNoCase(name, "callid")) slot = &layout.call_id;
    if (EqualsNoCase(name, "queuename") || EqualsNoCase(name, "queue")) slot = &layout.queue;
    if (EqualsNoCase(name, "agent")) slot = &layout.agent;
    if (EqualsNoCase(name, "event")) slot = &layout.event;
    if (EqualsNoCase(name, "data")) slot = &layout.data;
    if (name.size() == 5 && EqualsNoCase(name.substr(0, 4), "data") && name[4] >= '1' &&
        name[4] <= '5') {
      slot = &layout.data_n[static_cast<size_t>(name[4] - '1')];
    }
    if (slot == nullptr) continue;  // id, serverid, …: not ours
    if (*slot != -1) {
      AddReject(rejects, line_no, line, "header: column '" + std::string(name) + "' repeated");
      return false;
    }
    *slot = index;
    layout.max_index = index;
  }
  const std::pair<int, const char*> required[] = {{layout.time, "time"},
                                                  {layout.call_id, "callid"},
                                                  {layout.queue, "queuename"},
                                                  {layout.agent, "agent"},
                                                  {layout.event, "event"}};
  for (const auto& [index, name] : required) {
    if (index == -1) {
      AddReject(rejects, line_no, line, std::string("header: no '") + name + "' column");
      return false;
    }
  }
  layout_ = layout;
  has_header_ = true;
  header_line_ = std::string(line);
  return true;
}

void AsteriskQueueLogParser::ParseRecord(std::string_view line, int64_t line_no,
                                         std::vector<ParsedItem>& out,
                                         std::vector<ParseReject>& rejects) {
  const size_t bar = line.find('|');
  const size_t comma = line.find(',');
  const bool csv = comma < bar;  // npos compares greater than any position
  if (csv) {
    const Status split = SplitCsv(line, fields_);
    if (!split.ok()) {
      AddReject(rejects, line_no, line, "line: " + split.message());
      return;
    }
  } else {
    SplitPipesInto(line, fields_);
  }
  if (IsHeader(fields_)) {
    TryHeader(line, line_no, rejects);
    return;
  }

  QueueLogEvent e;
  std::string_view time_text;
  bool realtime = false;  // a datetime rather than epoch seconds
  if (has_header_) {
    if (static_cast<int>(fields_.size()) <= layout_.max_index) {
      AddReject(rejects, line_no, line,
                "field count: " + std::to_string(fields_.size()) + " fields, the header has " +
                    std::to_string(layout_.max_index + 1));
      return;
    }
    time_text = TrimSpace(fields_[static_cast<size_t>(layout_.time)]);
    realtime = !IsEpoch(time_text);
    e.call_id = fields_[static_cast<size_t>(layout_.call_id)];
    e.queue = fields_[static_cast<size_t>(layout_.queue)];
    e.agent = fields_[static_cast<size_t>(layout_.agent)];
    e.event = fields_[static_cast<size_t>(layout_.event)];
    for (const int index : layout_.data_n) {
      if (index >= 0) e.data.push_back(fields_[static_cast<size_t>(index)]);
    }
    TrimTrailingEmpty(e.data);
    if (e.data.empty() && layout_.data >= 0) {  // no numbered columns, or all empty
      SplitPipes(fields_[static_cast<size_t>(layout_.data)], e.data);
    }
  } else {
    if (fields_.size() < 5) {
      AddReject(rejects, line_no, line,
                "field count: " + std::to_string(fields_.size()) +
                    " fields, need at least 5 (time|callid|queue|agent|event)");
      return;
    }
    time_text = TrimSpace(fields_[0]);
    realtime = !IsEpoch(time_text);
    e.call_id = std::move(fields_[1]);
    e.queue = std::move(fields_[2]);
    e.agent = std::move(fields_[3]);
    e.event = std::move(fields_[4]);
    const size_t extra = fields_.size() - 5;
    if (realtime && extra == 6) {
      // data, data1..data5: the numbered columns win unless all empty.
      if (AllEmpty(fields_, 6, 11)) {
        SplitPipes(fields_[5], e.data);
      } else {
        e.data.assign(std::make_move_iterator(fields_.begin() + 6),
                      std::make_move_iterator(fields_.end()));
      }
    } else if (csv && extra == 1) {
      SplitPipes(fields_[5], e.data);  // one combined data column
    } else {
      e.data.assign(std::make_move_iterator(fields_.begin() + 5),
                    std::make_move_iterator(fields_.end()));
    }
  }
  TrimTrailingEmpty(e.data);

  if (!realtime) {
    const std::optional<int64_t> ms = ParseSecondsAsMillis(time_text);
    if (!ms) {
      AddReject(rejects, line_no, line, "time: not epoch seconds: " + Quoted(time_text));
      return;
    }
    e.at = FromUnixMillis(*ms);
  } else {
    if (std::optional<std::string> error =
            ParseZonedTime(zone_, time_text, "time", std::nullopt, e.at)) {
      AddReject(rejects, line_no, line, std::move(*error));
      return;
    }
  }
  if (TrimSpace(e.event).empty()) {
    AddReject(rejects, line_no, line, "event: empty");
    return;
  }
  out.emplace_back(std::move(e));
}

}  // namespace callboard
