#include "ingest/asterisk_queue_log_parser.h"

#include <utility>

#include "ingest/csv.h"

namespace callboard {

namespace {

// Appends the '|'-separated parts of `text` (at least one) to `out`.
void SplitPipes(std::string_view text, std::vector<std::string_view>& out) {
  size_t pos = 0;
  while (true) {
    const size_t bar = text.find('|', pos);
    out.push_back(text.substr(pos, bar == std::string_view::npos ? bar : bar - pos));
    if (bar == std::string_view::npos) break;
    pos = bar + 1;
  }
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
bool IsHeader(const std::vector<std::string_view>& fields) {
  bool time = false, event = false;
  for (const std::string_view f : fields) {
    time = time || EqualsNoCase(TrimSpace(f), "time");
    event = event || EqualsNoCase(TrimSpace(f), "event");
  }
  return time && event;
}

void TrimTrailingEmpty(std::vector<std::string_view>& data) {
  while (!data.empty() && data.back().empty()) data.pop_back();
}

bool AllEmpty(const std::vector<std::string_view>& fields, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) {
    if (!fields[i].empty()) return false;
  }
  return true;
}

}  // namespace

bool AsteriskQueueLogParser::TryHeader(std::string_view line, int64_t line_no,
                                       std::vector<ParseReject>& rejects) {
  Layout layout;
  for (size_t i = 0; i < cells_.size(); ++i) {
    const std::string_view name = TrimSpace(cells_[i]);
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
  QueueLogEventView e;
  if (ParseView(line, line_no, e, rejects)) out.emplace_back(OwnedEvent(e));
}

bool AsteriskQueueLogParser::ParseEvent(std::string_view line, int64_t line_no,
                                        QueueLogEventView& e, std::vector<ParseReject>& rejects) {
  const std::optional<std::string_view> clean = CleanLine(line, line_no, rejects);
  return clean && ParseView(*clean, line_no, e, rejects);
}

bool AsteriskQueueLogParser::ParseView(std::string_view line, int64_t line_no, QueueLogEventView& e,
                                       std::vector<ParseReject>& rejects) {
  const size_t bar = line.find('|');
  const size_t comma = line.find(',');
  const bool csv = comma < bar;  // npos compares greater than any position
  cells_.clear();
  if (csv) {
    const Status split = SplitCsv(line, csv_fields_);
    if (!split.ok()) {
      AddReject(rejects, line_no, line, "line: " + split.message());
      return false;
    }
    cells_.assign(csv_fields_.begin(), csv_fields_.end());
  } else {
    SplitPipes(line, cells_);
  }
  if (IsHeader(cells_)) {
    TryHeader(line, line_no, rejects);
    return false;
  }

  data_.clear();
  std::string_view time_text;
  bool realtime = false;  // a datetime rather than epoch seconds
  if (has_header_) {
    if (static_cast<int>(cells_.size()) <= layout_.max_index) {
      AddReject(rejects, line_no, line,
                "field count: " + std::to_string(cells_.size()) + " fields, the header has " +
                    std::to_string(layout_.max_index + 1));
      return false;
    }
    time_text = TrimSpace(cells_[static_cast<size_t>(layout_.time)]);
    realtime = !IsEpoch(time_text);
    e.call_id = cells_[static_cast<size_t>(layout_.call_id)];
    e.queue = cells_[static_cast<size_t>(layout_.queue)];
    e.agent = cells_[static_cast<size_t>(layout_.agent)];
    e.event = cells_[static_cast<size_t>(layout_.event)];
    for (const int index : layout_.data_n) {
      if (index >= 0) data_.push_back(cells_[static_cast<size_t>(index)]);
    }
    TrimTrailingEmpty(data_);
    if (data_.empty() && layout_.data >= 0) {  // no numbered columns, or all empty
      SplitPipes(cells_[static_cast<size_t>(layout_.data)], data_);
    }
  } else {
    if (cells_.size() < 5) {
      AddReject(rejects, line_no, line,
                "field count: " + std::to_string(cells_.size()) +
                    " fields, need at least 5 (time|callid|queue|agent|event)");
      return false;
    }
    time_text = TrimSpace(cells_[0]);
    realtime = !IsEpoch(time_text);
    e.call_id = cells_[1];
    e.queue = cells_[2];
    e.agent = cells_[3];
    e.event = cells_[4];
    const size_t extra = cells_.size() - 5;
    if (realtime && extra == 6) {
      // data, data1..data5: the numbered columns win unless all empty.
      if (AllEmpty(cells_, 6, 11)) {
        SplitPipes(cells_[5], data_);
      } else {
        data_.assign(cells_.begin() + 6, cells_.end());
      }
    } else if (csv && extra == 1) {
      SplitPipes(cells_[5], data_);  // one combined data column
    } else {
      data_.assign(cells_.begin() + 5, cells_.end());
    }
  }
  TrimTrailingEmpty(data_);
  e.data = data_;

  if (!realtime) {
    const std::optional<int64_t> ms = ParseSecondsAsMillis(time_text);
    if (!ms) {
      AddReject(rejects, line_no, line, "time: not epoch seconds: " + Quoted(time_text));
      return false;
    }
    e.at = FromUnixMillis(*ms);
  } else {
    if (std::optional<std::string> error =
            ParseZonedTime(zone_, time_text, "time", std::nullopt, e.at)) {
      AddReject(rejects, line_no, line, std::move(*error));
      return false;
    }
  }
  if (TrimSpace(e.event).empty()) {
    AddReject(rejects, line_no, line, "event: empty");
    return false;
  }
  return true;
}

}  // namespace callboard
