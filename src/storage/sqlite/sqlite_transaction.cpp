#include "storage/sqlite/sqlite_transaction.h"

#include <exception>
#include <string>

namespace callboard {

Status RunWork(const Database::Work& work, Transaction& tx) {
  try {
    return work(tx);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("unexpected exception in database work: ") + e.what());
  } catch (...) {
    return Status::Internal("unexpected exception in database work");
  }
}

}  // namespace callboard
