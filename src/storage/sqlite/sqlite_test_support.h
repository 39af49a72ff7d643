#pragma once
// Test support for the SQLite backend: a temporary directory and a Database that lives in
// one and removes it when destroyed. For tests only.
//
// Thread-safety: as Database.

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "storage/sqlite/sqlite_database.h"

namespace callboard {

// A fresh directory under the system's temporary directory, removed with its contents on
// destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "callboard-sqlite-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A migrated database in its own TempDir, removed after the database is closed.
class TempSqliteDatabase final : public Database {
 public:
  // Returns null (after printing why) when opening or migrating fails.
  static std::unique_ptr<Database> Open(SqliteOptions options = {}) {
    auto out = std::unique_ptr<TempSqliteDatabase>(new TempSqliteDatabase());
    options.path = out->dir_.path() / "callboard.db";
    auto db = OpenSqliteDatabase(options);
    if (!db) {
      std::fprintf(stderr, "open: %s\n", db.error().ToString().c_str());
      return nullptr;
    }
    auto migrated = (*db)->Migrate();
    if (!migrated) {
      std::fprintf(stderr, "migrate: %s\n", migrated.error().ToString().c_str());
      return nullptr;
    }
    out->db_ = std::move(*db);
    return out;
  }
  ~TempSqliteDatabase() override { db_.reset(); }  // before dir_ goes

  Status Write(const Work& work) override { return db_->Write(work); }
  Status Read(const Work& work) override { return db_->Read(work); }
  Status Ping() override { return db_->Ping(); }
  Result<int> Migrate() override { return db_->Migrate(); }

 private:
  TempSqliteDatabase() = default;
  TempDir dir_;
  std::unique_ptr<Database> db_;
};

}  // namespace callboard
