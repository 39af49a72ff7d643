#include "storage/postgres/pg_source_leases.h"

#include <utility>

#include "storage/postgres/pg_lock.h"

namespace callboard {

namespace {

class PgSourceLease final : public SourceLease {
 public:
  explicit PgSourceLease(std::unique_ptr<PgNamedLock> lock) : lock_(std::move(lock)) {}
  bool Held() override { return lock_->Held(); }

 private:
  std::unique_ptr<PgNamedLock> lock_;
};

}  // namespace

Result<std::unique_ptr<SourceLease>> PgSourceLeases::TryAcquire(const std::string& name) {
  auto lock = TryPostgresLock(options_, "callboard." + name);
  if (!lock) return lock.error();
  if (!*lock) return std::unique_ptr<SourceLease>();
  return std::unique_ptr<SourceLease>(new PgSourceLease(std::move(*lock)));
}

}  // namespace callboard
