// StoreConformance: AuditStore (append, last entry, filtered newest-first list, scan).
#include <tuple>

#include "audit/audit_store.h"
#include "storage/conformance/store_conformance.h"

namespace callboard {

int AuditConformanceLinkAnchor() { return 1; }

namespace {

auto Fields(const AuditEntry& e) {
  return std::make_tuple(e.id, e.seq, ToUnixMillis(e.at), e.actor_user_id, e.actor, e.action,
                         e.object_type, e.object_id, e.before_json, e.after_json, e.request_id,
                         e.ip, e.prev_hash, e.hash);
}

// An entry with every field set; the hashes are fake but distinct.
AuditEntry Entry(int64_t seq, TimePoint at, std::optional<int64_t> actor, const std::string& action,
                 const std::string& object_type, std::optional<int64_t> object_id) {
  return {.seq = seq,
          .at = at,
          .actor_user_id = actor,
          .actor = actor ? "user:" + std::to_string(*actor) : "cli",
          .action = action,
          .object_type = object_type,
          .object_id = object_id,
          .before_json = seq % 2 == 0 ? R"({"name":"old"})" : "",
          .after_json = R"({"name":"new )" + std::to_string(seq) + R"("})",
          .request_id = "req-" + std::to_string(seq),
          .ip = "198.51.100." + std::to_string(seq),
          .prev_hash = std::string(64, seq == 1 ? '0' : static_cast<char>('a' + (seq - 1) % 6)),
          .hash = std::string(64, static_cast<char>('a' + seq % 6))};
}

std::vector<int64_t> Seqs(const std::vector<AuditEntry>& entries) {
  std::vector<int64_t> seqs;
  for (const AuditEntry& e : entries) seqs.push_back(e.seq);
  return seqs;
}

}  // namespace

TEST_P(StoreConformance, AuditAppendStoresExactlyTheEntryAndLastEntryFollows) {
  auto none =
      Read<std::optional<AuditEntry>>([&](Transaction& tx) { return tx.Audit().LastEntry(a_); });
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());

  std::vector<AuditEntry> stored;
  for (int64_t seq = 1; seq <= 3; ++seq) {
    const AuditEntry in =
        Entry(seq, At(static_cast<int>(seq)), seq == 2 ? std::nullopt : std::optional<int64_t>(7),
              "user.update", "user", seq == 3 ? std::nullopt : std::optional<int64_t>(42));
    auto e = Write<AuditEntry>([&](Transaction& tx) { return tx.Audit().Append(a_, in); });
    ASSERT_TRUE(e);
    EXPECT_GT(e->id, 0);
    AuditEntry expected = in;
    expected.id = e->id;
    EXPECT_EQ(Fields(*e), Fields(expected));
    stored.push_back(expected);
  }
  auto last =
      Read<std::optional<AuditEntry>>([&](Transaction& tx) { return tx.Audit().LastEntry(a_); });
  ASSERT_TRUE(last && last->has_value());
  EXPECT_EQ(Fields(**last), Fields(stored.back()));
  auto scan =
      Read<std::vector<AuditEntry>>([&](Transaction& tx) { return tx.Audit().Scan(a_, 0, 10); });
  ASSERT_TRUE(scan);
  ASSERT_EQ(scan->size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(Fields((*scan)[i]), Fields(stored[i]));
}

TEST_P(StoreConformance, AuditSeqIsUniquePerTenant) {
  ASSERT_TRUE(Write<AuditEntry>([&](Transaction& tx) {
    return tx.Audit().Append(a_, Entry(1, At(1), 1, "site.create", "site", 1));
  }));
  const Status dup = WriteStatus([&](Transaction& tx) -> Status {
    auto r = tx.Audit().Append(a_, Entry(1, At(2), 1, "site.create", "site", 2));
    return r ? Status::Ok() : r.error();
  });
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(dup.message().find("seq"), std::string::npos) << dup.message();
  // Each tenant has its own chain.
  EXPECT_TRUE(Write<AuditEntry>([&](Transaction& tx) {
    return tx.Audit().Append(b_, Entry(1, At(1), std::nullopt, "site.create", "site", 1));
  }));
}

TEST_P(StoreConformance, AuditListIsNewestFirstWithEveryFilterAndPages) {
  struct Row {
    std::optional<int64_t> actor;
    const char* action;
    const char* type;
    std::optional<int64_t> object;
  };
  const Row rows[] = {
      {7, "user.create", "user", 100},                   // seq 1, minute 1
      {7, "user.update", "user", 100},                   // seq 2
      {8, "team.create", "team", 200},                   // seq 3
      {std::nullopt, "auth.login_failed", "user", 100},  // seq 4
      {8, "user.delete", "user", 101},                   // seq 5
      {7, "users.export", "export", std::nullopt},       // seq 6: not under "user."
      {8, "user", "user", 102},                          // seq 7: "user" is not "user."
  };
  int64_t seq = 0;
  for (const Row& r : rows) {
    ++seq;
    ASSERT_TRUE(Write<AuditEntry>([&](Transaction& tx) {
      return tx.Audit().Append(
          a_, Entry(seq, At(static_cast<int>(seq)), r.actor, r.action, r.type, r.object));
    }));
  }
  ASSERT_TRUE(Write<AuditEntry>([&](Transaction& tx) {  // another tenant's entry never appears
    return tx.Audit().Append(b_, Entry(1, At(1), 7, "user.create", "user", 100));
  }));
  auto list = [&](AuditFilter f, PageRequest page = {}) {
    auto r = Read<Page<AuditEntry>>([&](Transaction& tx) { return tx.Audit().List(a_, f, page); });
    return r ? Seqs(r->items) : std::vector<int64_t>{-1};
  };
  EXPECT_EQ(list({}), (std::vector<int64_t>{7, 6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(list({.actor_user_id = 8}), (std::vector<int64_t>{7, 5, 3}));
  EXPECT_EQ(list({.action = "user.update"}), std::vector<int64_t>{2});
  EXPECT_EQ(list({.action = "user."}), (std::vector<int64_t>{5, 2, 1}));
  EXPECT_EQ(list({.action = "user"}), std::vector<int64_t>{7});
  EXPECT_EQ(list({.object_type = "user"}), (std::vector<int64_t>{7, 5, 4, 2, 1}));
  EXPECT_EQ(list({.object_type = "user", .object_id = 100}), (std::vector<int64_t>{4, 2, 1}));
  EXPECT_EQ(list({.from = At(3)}), (std::vector<int64_t>{7, 6, 5, 4, 3}));
  EXPECT_EQ(list({.to = At(3)}), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(list({.from = At(2), .to = At(5)}), (std::vector<int64_t>{4, 3, 2}));
  EXPECT_EQ(list({.actor_user_id = 7, .action = "user."}), (std::vector<int64_t>{2, 1}));

  // Keyset pages on seq, newest first: 3 + 3 + 1.
  std::vector<int64_t> seen;
  std::vector<std::optional<int64_t>> next;
  PageRequest page{.limit = 3};
  for (int i = 0; i < 3; ++i) {
    auto r = Read<Page<AuditEntry>>([&](Transaction& tx) { return tx.Audit().List(a_, {}, page); });
    ASSERT_TRUE(r);
    for (int64_t s : Seqs(r->items)) seen.push_back(s);
    next.push_back(r->next_after);
    page.after_id = r->next_after;
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{7, 6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(next, (std::vector<std::optional<int64_t>>{5, 2, std::nullopt}));
}

TEST_P(StoreConformance, AuditScanIsAscendingAfterSeqWithLimit) {
  for (int64_t seq = 1; seq <= 6; ++seq) {
    ASSERT_TRUE(Write<AuditEntry>([&](Transaction& tx) {
      return tx.Audit().Append(a_,
                               Entry(seq, At(static_cast<int>(seq)), 1, "site.update", "site", 1));
    }));
  }
  auto scan = [&](int64_t after, int limit) {
    auto r = Read<std::vector<AuditEntry>>(
        [&](Transaction& tx) { return tx.Audit().Scan(a_, after, limit); });
    return r ? Seqs(*r) : std::vector<int64_t>{-1};
  };
  EXPECT_EQ(scan(0, 4), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(scan(4, 4), (std::vector<int64_t>{5, 6}));
  EXPECT_EQ(scan(6, 4), std::vector<int64_t>{});
  EXPECT_EQ(scan(2, 1), std::vector<int64_t>{3});
}

TEST_P(StoreConformance, AnotherTenantCannotSeeAuditEntries) {
  ASSERT_TRUE(Write<AuditEntry>([&](Transaction& tx) {
    return tx.Audit().Append(a_, Entry(1, At(1), 1, "site.create", "site", 1));
  }));
  auto last =
      Read<std::optional<AuditEntry>>([&](Transaction& tx) { return tx.Audit().LastEntry(b_); });
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->has_value());
  auto list = Read<Page<AuditEntry>>([&](Transaction& tx) { return tx.Audit().List(b_, {}, {}); });
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->items.empty());
  auto scan =
      Read<std::vector<AuditEntry>>([&](Transaction& tx) { return tx.Audit().Scan(b_, 0, 10); });
  ASSERT_TRUE(scan);
  EXPECT_TRUE(scan->empty());
}

}  // namespace callboard
