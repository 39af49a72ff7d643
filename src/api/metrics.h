#pragma once
// HttpMetrics: the process's Prometheus metrics — HTTP request counts and latencies recorded by
// the transport, plus gauges that other components register — rendered for GET /metrics.
//
//   HttpMetrics metrics;
//   metrics.AddGauge("callboard_ws_clients", "Connected WebSocket clients.",
//                    [&hub] { return static_cast<double>(hub.size()); });
//   metrics.ObserveRequest("/api/v1/users/{id}", "GET", 200, 0.004);
//   std::string text = metrics.RenderPrometheus();  // text exposition format 0.0.4
//
// Thread-safety: every member function may be called from any thread concurrently.

#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace callboard {

class HttpMetrics {
 public:
  // Upper bounds (seconds) of the request duration histogram; +Inf is implicit.
  static constexpr double kDurationBuckets[] = {.001, .0025, .005, .01, .025, .05, .1,
                                                .25,  .5,    1,    2.5, 5,    10};

  HttpMetrics() = default;
  HttpMetrics(const HttpMetrics&) = delete;
  HttpMetrics& operator=(const HttpMetrics&) = delete;

  // Counts one finished request in callboard_http_requests_total{route,method,status} and its
  // duration in callboard_http_request_duration_seconds{route}. Every distinct label value
  // becomes a time series: pass route patterns (or "unmatched"), never raw paths.
  void ObserveRequest(std::string_view route, std::string_view method, int status, double seconds);

  // Registers a gauge read at every RenderPrometheus call; a gauge with the same name is
  // replaced. `read` is called without any HttpMetrics lock held.
  // REQUIRES: `name` matches [a-zA-Z_:][a-zA-Z0-9_:]*; `read` stays callable until
  // RemoveGauge(name) or the destruction of this object.
  void AddGauge(std::string name, std::string help, std::function<double()> read);
  void RemoveGauge(std::string_view name);

  // Prometheus text exposition format 0.0.4, with # HELP and # TYPE for every family.
  std::string RenderPrometheus() const;

 private:
  struct Histogram {
    uint64_t buckets[std::size(kDurationBuckets)] = {};  // non-cumulative counts per bucket
    uint64_t count = 0;                                  // includes observations above 10 s
    double sum = 0;
  };
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
  };

  mutable std::mutex mu_;
  // (route, method, status) → count. GUARDED_BY(mu_)
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram, std::less<>> durations_;  // by route. GUARDED_BY(mu_)
  std::vector<Gauge> gauges_;                                // GUARDED_BY(mu_)
};

}  // namespace callboard
