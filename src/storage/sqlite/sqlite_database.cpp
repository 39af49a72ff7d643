#include "storage/sqlite/sqlite_database.h"

#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "storage/sqlite/group_commit_writer.h"
#include "storage/sqlite/migration_runner.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/sqlite_connection.h"

namespace callboard {

namespace {

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::unique_ptr<GroupCommitWriter> writer, std::unique_ptr<ReaderPool> readers)
      : readers_(std::move(readers)), writer_(std::move(writer)) {}

  Status Write(const Work& work) override { return writer_->Write(work); }
  Status Read(const Work& work) override { return readers_->Read(work); }
  Status Ping() override { return readers_->Ping(); }

  Result<int> Migrate() override {
    int applied = 0;
    CB_RETURN_IF_ERROR(writer_->RunExclusive([&applied](SqliteConnection& conn) -> Status {
      auto done = RunMigrations(conn, SqliteMigrations());
      if (!done) return done.error();
      applied = *done;
      return Status::Ok();
    }));
    return applied;
  }

 private:
  // Declared first so destroyed last: queued writes, finished by the writer's destructor,
  // may still read.
  std::unique_ptr<ReaderPool> readers_;
  std::unique_ptr<GroupCommitWriter> writer_;
};

Status CheckOptions(const SqliteOptions& options) {
  std::vector<FieldError> errors;
  if (options.path.empty()) errors.push_back({"path", "required", "is required"});
  if (options.readers < 1) errors.push_back({"readers", "invalid", "must be at least 1"});
  if (options.max_group < 1) errors.push_back({"max_group", "invalid", "must be at least 1"});
  if (options.max_queue < 1) errors.push_back({"max_queue", "invalid", "must be at least 1"});
  if (options.busy_timeout.count() < 0) {
    errors.push_back({"busy_timeout", "invalid", "must not be negative"});
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors), "invalid SQLite options");
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const SqliteOptions& options) {
  CB_RETURN_IF_ERROR(CheckOptions(options));
  const std::filesystem::path parent = options.path.parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
      return Status::Unavailable("cannot create directory " + parent.string() + ": " +
                                 error.message());
    }
  }
  // The writer first: it creates the file and switches it to WAL before readers attach.
  auto writer_conn =
      SqliteConnection::Open(options.path, SqliteConnection::Mode::kWriter, options.busy_timeout);
  if (!writer_conn) return writer_conn.error();
  auto readers = ReaderPool::Open(options.path, options.readers, options.busy_timeout);
  if (!readers) return readers.error();
  auto writer = std::make_unique<GroupCommitWriter>(std::move(*writer_conn), options.max_group,
                                                    options.max_queue);
  return std::unique_ptr<Database>(
      std::make_unique<SqliteDatabase>(std::move(writer), std::move(*readers)));
}

}  // namespace callboard
