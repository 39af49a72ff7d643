#pragma once
// SerialWorker: runs jobs one at a time, in the order given, on a thread of its own, so the
// caller does not wait for work that may be slow (e.g. telling a phone system of a change).
// At most `capacity` jobs wait; Post refuses more. The destructor runs the jobs already
// given, then joins.
//
//   SerialWorker pbx_calls(1000);
//   if (!pbx_calls.Post([=] { pbx.Pause(request); })) spdlog::warn("…");
//
// Thread-safety: Post may be called from any thread.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace callboard {

class SerialWorker {
 public:
  explicit SerialWorker(size_t capacity) : capacity_(capacity) {}
  ~SerialWorker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;

  // False when `capacity` jobs already wait (the job is dropped).
  bool Post(std::function<void()> job) {
    {
      std::lock_guard lock(mu_);
      if (jobs_.size() >= capacity_) return false;
      jobs_.push_back(std::move(job));
      if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
    }
    cv_.notify_one();
    return true;
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;  // GUARDED_BY(mu_)
  bool stop_ = false;                       // GUARDED_BY(mu_)
  std::thread thread_;                      // started by the first Post
};

}  // namespace callboard
