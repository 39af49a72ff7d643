#pragma once
// Test support for the AMI client tests: client options against an AmiTestPeer with short
// timings, and a recorder of the client's events and statuses that tests wait on.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "ingest/ami/ami_client.h"
#include "ingest/ami/ami_test_peer.h"

namespace callboard::testing {

using std::chrono::milliseconds;

inline AmiClientOptions FastOptions(int port) {
  return AmiClientOptions{.host = "127.0.0.1",
                          .port = port,
                          .username = "cb",
                          .secret = "cbsecret",
                          .connect_timeout = milliseconds(2000),
                          .login_timeout = milliseconds(2000),
                          .action_timeout = milliseconds(2000),
                          .ping_interval = milliseconds(60000),
                          .ping_timeout = milliseconds(2000),
                          .backoff_initial = milliseconds(50),
                          .backoff_max = milliseconds(400)};
}

// What a client delivered, for tests to wait on.
class AmiRecorder {
 public:
  AmiClient::EventHandler Events() {
    return [this](const AmiEvent& e) {
      std::lock_guard lock(mutex_);
      events_.push_back(e);
      changed_.notify_all();
    };
  }
  AmiClient::StatusHandler Statuses() {
    return [this](const AmiLinkStatus& s) {
      std::lock_guard lock(mutex_);
      statuses_.push_back(s);
      changed_.notify_all();
    };
  }

  std::vector<AmiEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<AmiLinkStatus> statuses() const {
    std::lock_guard lock(mutex_);
    return statuses_;
  }

  // Waits (at most `timeout`) until `ready(events, statuses)`; its final answer.
  bool WaitFor(const std::function<bool(const std::vector<AmiEvent>&,
                                        const std::vector<AmiLinkStatus>&)>& ready,
               milliseconds timeout = milliseconds(5000)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return ready(events_, statuses_); });
  }
  bool WaitForState(AmiLinkState state, int times = 1, milliseconds timeout = milliseconds(5000)) {
    return WaitFor(
        [&](const auto&, const std::vector<AmiLinkStatus>& statuses) {
          int n = 0;
          for (const AmiLinkStatus& s : statuses) n += s.state == state ? 1 : 0;
          return n >= times;
        },
        timeout);
  }
  bool WaitForEvent(std::string_view name, int times = 1,
                    milliseconds timeout = milliseconds(5000)) {
    return WaitFor(
        [&](const std::vector<AmiEvent>& events, const auto&) {
          int n = 0;
          for (const AmiEvent& e : events) n += AmiEventName(e) == name ? 1 : 0;
          return n >= times;
        },
        timeout);
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<AmiEvent> events_;
  std::vector<AmiLinkStatus> statuses_;
};

}  // namespace callboard::testing
