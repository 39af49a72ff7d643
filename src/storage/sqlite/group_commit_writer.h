#pragma once
// GroupCommitWriter: the one thread that writes to a SQLite database.
//
// Write() queues a job and blocks until it is done. The thread takes up to `max_group`
// queued jobs, opens one IMMEDIATE transaction, runs each job inside its own SAVEPOINT
// (released when the job returns OK, rolled back to when it fails, so a failing job never
// affects its neighbours), then COMMITs once and completes every job: one fsync for the
// whole group. When the COMMIT fails every job that had succeeded gets the commit error.
// The queue holds at most `max_queue` jobs; Write() blocks while it is full.
//
// Thread-safety: Write() and RunExclusive() may be called from any thread, except from
// inside a job (that would wait for itself; it answers kFailedPrecondition instead).
// The destructor finishes every queued job, then joins the thread.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "core/status.h"
#include "store/transaction.h"

namespace callboard {

class SqliteConnection;
class SqliteTransaction;

class GroupCommitWriter {
 public:
  using Exclusive = std::function<Status(SqliteConnection&)>;

  // REQUIRES: max_group >= 1, max_queue >= 1.
  GroupCommitWriter(std::unique_ptr<SqliteConnection> conn, int max_group, size_t max_queue);
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;
  ~GroupCommitWriter();

  // Runs `work` in the next group; returns its Status or the commit error.
  Status Write(const Database::Work& work);
  // Runs `fn` alone on the writer's connection, outside any transaction, between groups
  // (schema migrations, maintenance).
  Status RunExclusive(const Exclusive& fn);

 private:
  struct Job;

  Status Submit(Job& job);
  void Loop();
  void RunGroup(std::deque<Job*>& group);

  std::unique_ptr<SqliteConnection> conn_;  // used only by thread_
  std::unique_ptr<SqliteTransaction> tx_;   // over conn_
  const size_t max_group_;
  const size_t max_queue_;

  std::mutex mutex_;
  std::condition_variable not_empty_;  // signalled when a job is queued or stopping_ is set
  std::condition_variable not_full_;   // signalled when jobs leave the queue
  std::deque<Job*> queue_;             // GUARDED_BY(mutex_); jobs live on their callers' stacks
  bool stopping_ = false;              // GUARDED_BY(mutex_)

  std::thread thread_;  // last: started once everything above exists
};

}  // namespace callboard
