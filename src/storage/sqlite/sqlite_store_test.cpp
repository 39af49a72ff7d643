// The store conformance suite against the SQLite backend.
#include "storage/conformance/store_conformance.h"
#include "storage/sqlite/sqlite_test_support.h"

namespace callboard {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance, testing::Values(DatabaseFactory([] {
                           return TempSqliteDatabase::Open();
                         })));

}  // namespace
}  // namespace callboard
