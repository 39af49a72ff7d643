#include "storage/sqlite/group_commit_writer.h"

#include <exception>
#include <future>
#include <string>
#include <vector>

#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_transaction.h"

namespace callboard {

struct GroupCommitWriter::Job {
  const Database::Work* work = nullptr;  // a job of a group, or
  const Exclusive* exclusive = nullptr;  // a job that runs alone
  std::promise<Status> done;
};

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<SqliteConnection> conn, int max_group,
                                     size_t max_queue)
    : conn_(std::move(conn)),
      tx_(std::make_unique<SqliteTransaction>(*conn_)),
      max_group_(static_cast<size_t>(max_group)),
      max_queue_(max_queue),
      thread_([this] { Loop(); }) {}

GroupCommitWriter::~GroupCommitWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
  thread_.join();
}

Status GroupCommitWriter::Write(const Database::Work& work) {
  Job job;
  job.work = &work;
  return Submit(job);
}

Status GroupCommitWriter::RunExclusive(const Exclusive& fn) {
  Job job;
  job.exclusive = &fn;
  return Submit(job);
}

Status GroupCommitWriter::Submit(Job& job) {
  if (std::this_thread::get_id() == thread_.get_id()) {
    return Status(StatusCode::kFailedPrecondition,
                  "Database::Write called from inside a write transaction");
  }
  std::future<Status> done = job.done.get_future();
  {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [this] { return queue_.size() < max_queue_ || stopping_; });
    if (stopping_) return Status::Unavailable("database is closing");
    queue_.push_back(&job);
  }
  not_empty_.notify_one();
  return done.get();
}

void GroupCommitWriter::Loop() {
  for (;;) {
    std::deque<Job*> group;
    {
      std::unique_lock lock(mutex_);
      not_empty_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and every queued job is done
      if (queue_.front()->exclusive != nullptr) {
        group.push_back(queue_.front());
        queue_.pop_front();
      } else {
        while (!queue_.empty() && group.size() < max_group_ &&
               queue_.front()->exclusive == nullptr) {
          group.push_back(queue_.front());
          queue_.pop_front();
        }
      }
    }
    not_full_.notify_all();

    if (group.front()->exclusive != nullptr) {
      Status status;
      try {
        status = (*group.front()->exclusive)(*conn_);
      } catch (const std::exception& e) {
        status = Status::Internal(std::string("unexpected exception: ") + e.what());
      }
      if (conn_->InTransaction()) (void)conn_->Exec("ROLLBACK");  // never leak one
      group.front()->done.set_value(std::move(status));
      continue;
    }
    RunGroup(group);
  }
}

void GroupCommitWriter::RunGroup(std::deque<Job*>& group) {
  std::vector<Status> results(group.size());
  // Replaces the OK results of jobs [from, to) by `error`: their changes were lost.
  auto fail_succeeded = [&results](size_t from, size_t to, const Status& error) {
    for (size_t j = from; j < to; ++j) {
      if (results[j].ok()) results[j] = error;
    }
  };

  size_t first = 0;  // first job of the open transaction
  Status begun = conn_->Exec("BEGIN IMMEDIATE");
  for (size_t i = 0; i < group.size() && begun.ok(); ++i) {
    Status status = conn_->Exec("SAVEPOINT job");
    if (status.ok()) status = RunWork(*group[i]->work, *tx_);
    if (!conn_->InTransaction()) {
      // SQLite rolled the whole transaction back (I/O error, disk full …): the earlier jobs
      // of this group are gone too. Report it to them and go on in a new transaction.
      const Status lost =
          Status::Unavailable("transaction rolled back by the database: " +
                              (status.ok() ? std::string("unknown cause") : status.message()));
      results[i] = status.ok() ? lost : status;
      fail_succeeded(first, i, lost);
      first = i + 1;
      begun = conn_->Exec("BEGIN IMMEDIATE");
      continue;
    }
    if (status.ok()) status = conn_->Exec("RELEASE job");
    if (!status.ok()) {
      // Undo this job only; its neighbours keep their changes.
      Status undone = conn_->Exec("ROLLBACK TO job");
      if (undone.ok()) undone = conn_->Exec("RELEASE job");
      if (!undone.ok()) {
        // The transaction is no longer trustworthy: end it and give up on its jobs.
        (void)conn_->Exec("ROLLBACK");
        results[i] = status;
        fail_succeeded(first, i, undone);
        first = i + 1;
        begun = conn_->Exec("BEGIN IMMEDIATE");
        continue;
      }
    }
    results[i] = std::move(status);
  }

  if (!begun.ok()) {
    // Jobs from `first` on never ran (their results are still the default OK).
    fail_succeeded(first, group.size(), begun);
  } else {
    Status committed = conn_->Exec("COMMIT");
    if (!committed.ok()) {
      if (conn_->InTransaction()) (void)conn_->Exec("ROLLBACK");
      fail_succeeded(first, group.size(), committed);
    }
  }
  for (size_t j = 0; j < group.size(); ++j) group[j]->done.set_value(std::move(results[j]));
}

}  // namespace callboard
