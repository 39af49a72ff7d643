// The store conformance suite against the PostgreSQL backend, connected as the app role (so
// row-level security is in force for every test).
#include "storage/conformance/store_conformance.h"
#include "storage/postgres/pg_test_support.h"

namespace callboard {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformance,
                         testing::Values(DatabaseFactory([] { return TempPgDatabase::Open(); })));

}  // namespace
}  // namespace callboard
