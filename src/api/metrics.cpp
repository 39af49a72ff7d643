#include "api/metrics.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <utility>

namespace callboard {

namespace {

[[maybe_unused]] bool IsMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

// Label values escape backslash, double quote and line feed.
void AppendLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

// HELP text escapes backslash and line feed.
void AppendHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void AppendDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, end);
  }
}

void AppendFamilyHeader(std::string& out, std::string_view name, std::string_view help,
                        std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  AppendHelp(out, help);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

void HttpMetrics::ObserveRequest(std::string_view route, std::string_view method, int status,
                                 double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // also maps NaN to 0
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), std::string(method), status}];
  auto it = durations_.find(route);
  if (it == durations_.end()) it = durations_.emplace(std::string(route), Histogram{}).first;
  Histogram& h = it->second;
  for (size_t i = 0; i < std::size(kDurationBuckets); ++i) {
    if (seconds <= kDurationBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

void HttpMetrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  assert(IsMetricName(name) && "gauge name must be a valid Prometheus metric name");
  assert(read && "gauge needs a read function");
  std::lock_guard lock(mu_);
  for (Gauge& g : gauges_) {
    if (g.name == name) {
      g.help = std::move(help);
      g.read = std::move(read);
      return;
    }
  }
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

void HttpMetrics::RemoveGauge(std::string_view name) {
  std::lock_guard lock(mu_);
  std::erase_if(gauges_, [&](const Gauge& g) { return g.name == name; });
}

std::string HttpMetrics::RenderPrometheus() const {
  std::string out;
  std::vector<Gauge> gauges;
  {
    std::lock_guard lock(mu_);
    gauges = gauges_;

    AppendFamilyHeader(out, "callboard_http_requests_total", "HTTP requests served.", "counter");
    for (const auto& [key, count] : requests_) {
      const auto& [route, method, status] = key;
      out += "callboard_http_requests_total{route=\"";
      AppendLabelValue(out, route);
      out += "\",method=\"";
      AppendLabelValue(out, method);
      out += "\",status=\"";
      out += std::to_string(status);
      out += "\"} ";
      out += std::to_string(count);
      out += '\n';
    }

    AppendFamilyHeader(out, "callboard_http_request_duration_seconds",
                       "Time from the first byte of a request to the last byte of its response.",
                       "histogram");
    for (const auto& [route, h] : durations_) {
      std::string label = "route=\"";
      AppendLabelValue(label, route);
      label += '"';
      uint64_t cumulative = 0;
      for (size_t i = 0; i < std::size(kDurationBuckets); ++i) {
        cumulative += h.buckets[i];
        out += "callboard_http_request_duration_seconds_bucket{" + label + ",le=\"";
        AppendDouble(out, kDurationBuckets[i]);
        out += "\"} " + std::to_string(cumulative) + '\n';
      }
      out += "callboard_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
             std::to_string(h.count) + '\n';
      out += "callboard_http_request_duration_seconds_sum{" + label + "} ";
      AppendDouble(out, h.sum);
      out += '\n';
      out += "callboard_http_request_duration_seconds_count{" + label + "} " +
             std::to_string(h.count) + '\n';
    }
  }

  // Gauges are read outside the lock: a read function may itself take locks or call back in.
  for (const Gauge& g : gauges) {
    AppendFamilyHeader(out, g.name, g.help, "gauge");
    out += g.name;
    out += ' ';
    AppendDouble(out, g.read());
    out += '\n';
  }
  return out;
}

}  // namespace callboard
