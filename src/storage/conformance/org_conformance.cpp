// StoreConformance: OrgStore (tenants, sites, LOBs, teams, users, agents).
#include <algorithm>
#include <tuple>

#include "org/org_store.h"
#include "storage/conformance/store_conformance.h"

namespace callboard {

int OrgConformanceLinkAnchor() { return 1; }

namespace {

int64_t Ms(TimePoint t) { return ToUnixMillis(t); }

// Every field, for EXPECT_EQ with readable output.
auto Fields(const Site& s) {
  return std::make_tuple(s.id, s.name, s.time_zone, Ms(s.created_at), Ms(s.updated_at));
}
auto Fields(const Lob& l) {
  return std::make_tuple(l.id, l.name, l.description, Ms(l.created_at), Ms(l.updated_at));
}
auto Fields(const Team& t) {
  return std::make_tuple(t.id, t.name, t.site_id, t.lob_id, t.supervisor_ids, Ms(t.created_at),
                         Ms(t.updated_at));
}
auto Fields(const User& u) {
  return std::make_tuple(u.id, u.email, u.name, static_cast<int>(u.role), u.team_id, u.lob_ids,
                         u.active, Ms(u.created_at), Ms(u.updated_at));
}
auto Fields(const Agent& a) {
  return std::make_tuple(a.id, a.name, a.user_id, a.team_id, a.pbx_ids, a.active, Ms(a.created_at),
                         Ms(a.updated_at));
}

template <typename T>
std::vector<int64_t> Ids(const Page<T>& page) {
  std::vector<int64_t> ids;
  for (const T& item : page.items) ids.push_back(item.id);
  return ids;
}

}  // namespace

// ---- Tenants ----

TEST_P(StoreConformance, TenantsInsertGetFindList) {
  auto tenant =
      Write<Tenant>([](Transaction& tx) { return tx.Org().InsertTenant("Initech", At(5)); });
  ASSERT_TRUE(tenant);
  EXPECT_GT(tenant->id, 0);
  EXPECT_EQ(tenant->name, "Initech");
  EXPECT_EQ(Ms(tenant->created_at), Ms(At(5)));

  auto got = Read<Tenant>([&](Transaction& tx) { return tx.Org().GetTenant(tenant->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(std::tie(got->id, got->name), std::tie(tenant->id, tenant->name));
  EXPECT_EQ(Ms(got->created_at), Ms(At(5)));

  auto found = Read<Tenant>([](Transaction& tx) { return tx.Org().FindTenantByName("Initech"); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, tenant->id);

  auto all = Read<std::vector<Tenant>>([](Transaction& tx) { return tx.Org().ListTenants(); });
  ASSERT_TRUE(all);
  std::vector<std::string> names;
  for (const Tenant& t : *all) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Acme", "Globex", "Initech"}));  // ascending id
}

TEST_P(StoreConformance, TenantNameIsUniqueAndMissingTenantsAreNotFound) {
  const Status dup = WriteStatus([](Transaction& tx) -> Status {
    auto t = tx.Org().InsertTenant("Acme", At(1));
    return t ? Status::Ok() : t.error();
  });
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(dup.message().find("name"), std::string::npos) << dup.message();

  const Status missing = ReadStatus([](Transaction& tx) -> Status {
    auto t = tx.Org().GetTenant(987654);
    return t ? Status::Ok() : t.error();
  });
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  const Status unnamed = ReadStatus([](Transaction& tx) -> Status {
    auto t = tx.Org().FindTenantByName("Nobody");
    return t ? Status::Ok() : t.error();
  });
  EXPECT_EQ(unnamed.code(), StatusCode::kNotFound);
}

// ---- Sites ----

TEST_P(StoreConformance, SiteRoundTripUpdateAndSoftDelete) {
  const Site in{
      .name = "Lisbon", .time_zone = "Europe/Lisbon", .created_at = At(1), .updated_at = At(2)};
  auto site = Write<Site>([&](Transaction& tx) { return tx.Org().InsertSite(a_, in); });
  ASSERT_TRUE(site);
  EXPECT_GT(site->id, 0);
  auto got = Read<Site>([&](Transaction& tx) { return tx.Org().GetSite(a_, site->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(Fields(*got), std::make_tuple(site->id, std::string("Lisbon"),
                                          std::string("Europe/Lisbon"), Ms(At(1)), Ms(At(2))));

  Site changed = *got;
  changed.name = "Porto";
  changed.time_zone = "Atlantic/Azores";
  changed.updated_at = At(9);
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) { return tx.Org().UpdateSite(a_, changed); }).ok());
  got = Read<Site>([&](Transaction& tx) { return tx.Org().GetSite(a_, site->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(Fields(*got), std::make_tuple(site->id, std::string("Porto"),
                                          std::string("Atlantic/Azores"), Ms(At(1)), Ms(At(9))));

  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Org().DeleteSite(a_, site->id, At(10)); }).ok());
  EXPECT_EQ(ReadStatus([&](Transaction& tx) -> Status {
              auto r = tx.Org().GetSite(a_, site->id);
              return r ? Status::Ok() : r.error();
            }).code(),
            StatusCode::kNotFound);
  auto list = Read<Page<Site>>([&](Transaction& tx) { return tx.Org().ListSites(a_, {}); });
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->items.empty());
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.Org().UpdateSite(a_, changed); }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.Org().DeleteSite(a_, site->id, At(11));
            }).code(),
            StatusCode::kNotFound);
}

TEST_P(StoreConformance, SiteNamesAreUniquePerTenantUntilDeleted) {
  const Site first = MakeSite(a_, "Lisbon");
  const Status dup = WriteStatus([&](Transaction& tx) -> Status {
    auto r = tx.Org().InsertSite(a_, {.name = "Lisbon", .time_zone = "UTC"});
    return r ? Status::Ok() : r.error();
  });
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(dup.message().find("name"), std::string::npos) << dup.message();
  // Another tenant may use the name.
  EXPECT_NE(MakeSite(b_, "Lisbon").id, 0);
  // Renaming onto a taken name is refused too.
  const Site other = MakeSite(a_, "Porto");
  Site renamed = other;
  renamed.name = "Lisbon";
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.Org().UpdateSite(a_, renamed); }).code(),
            StatusCode::kAlreadyExists);
  // After deletion the name is free again.
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Org().DeleteSite(a_, first.id, At(3)); }).ok());
  const Site again = MakeSite(a_, "Lisbon");
  EXPECT_NE(again.id, 0);
  EXPECT_NE(again.id, first.id);
}

TEST_P(StoreConformance, SitesPageByAscendingIdAcrossThreePages) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(MakeSite(a_, "Site " + std::to_string(i)).id);
  MakeSite(b_, "Elsewhere");  // another tenant's row never appears
  std::vector<int64_t> seen;
  PageRequest page{.limit = 3};
  std::vector<size_t> sizes;
  for (int i = 0; i < 3; ++i) {
    auto r = Read<Page<Site>>([&](Transaction& tx) { return tx.Org().ListSites(a_, page); });
    ASSERT_TRUE(r);
    sizes.push_back(r->items.size());
    for (int64_t id : Ids(*r)) seen.push_back(id);
    if (i < 2) {
      ASSERT_TRUE(r->next_after.has_value());
      EXPECT_EQ(*r->next_after, r->items.back().id);
    } else {
      EXPECT_FALSE(r->next_after.has_value());
    }
    page.after_id = r->next_after;
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 1}));
  EXPECT_EQ(seen, ids);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

TEST_P(StoreConformance, FullLastPageStillSetsNextAfterAndTheNextPageIsEmpty) {
  for (int i = 0; i < 4; ++i) MakeLob(a_, "Lob " + std::to_string(i));
  auto first =
      Read<Page<Lob>>([&](Transaction& tx) { return tx.Org().ListLobs(a_, {}, {.limit = 2}); });
  ASSERT_TRUE(first && first->next_after);
  auto second = Read<Page<Lob>>([&](Transaction& tx) {
    return tx.Org().ListLobs(a_, {}, {.limit = 2, .after_id = first->next_after});
  });
  ASSERT_TRUE(second);
  EXPECT_EQ(second->items.size(), 2u);
  ASSERT_TRUE(second->next_after);  // full page: more rows may follow
  auto third = Read<Page<Lob>>([&](Transaction& tx) {
    return tx.Org().ListLobs(a_, {}, {.limit = 2, .after_id = second->next_after});
  });
  ASSERT_TRUE(third);
  EXPECT_TRUE(third->items.empty());
  EXPECT_FALSE(third->next_after);
}

// ---- LOBs ----

TEST_P(StoreConformance, LobRoundTripUpdateAndSoftDelete) {
  const Lob in{.name = "Retail",
               .description = "Retail banking, inbound",
               .created_at = At(1),
               .updated_at = At(1)};
  auto lob = Write<Lob>([&](Transaction& tx) { return tx.Org().InsertLob(a_, in); });
  ASSERT_TRUE(lob);
  auto got = Read<Lob>([&](Transaction& tx) { return tx.Org().GetLob(a_, lob->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(Fields(*got),
            std::make_tuple(lob->id, std::string("Retail"), std::string("Retail banking, inbound"),
                            Ms(At(1)), Ms(At(1))));
  Lob changed = *got;
  changed.name = "Wholesale";
  changed.description = "";
  changed.updated_at = At(4);
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) { return tx.Org().UpdateLob(a_, changed); }).ok());
  got = Read<Lob>([&](Transaction& tx) { return tx.Org().GetLob(a_, lob->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(Fields(*got), Fields(changed));

  const Status dup = WriteStatus([&](Transaction& tx) -> Status {
    auto r = tx.Org().InsertLob(a_, {.name = "Wholesale"});
    return r ? Status::Ok() : r.error();
  });
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Org().DeleteLob(a_, lob->id, At(5)); }).ok());
  EXPECT_EQ(ReadStatus([&](Transaction& tx) -> Status {
              auto r = tx.Org().GetLob(a_, lob->id);
              return r ? Status::Ok() : r.error();
            }).code(),
            StatusCode::kNotFound);
  EXPECT_NE(MakeLob(a_, "Wholesale").id, 0);
}

TEST_P(StoreConformance, LobFiltersBySearchAndIds) {
  const Lob retail = MakeLob(a_, "Retail Banking");
  const Lob cards = MakeLob(a_, "Cards");
  const Lob loans = MakeLob(a_, "Small business loans");
  auto list = [&](OrgFilter f) {
    auto r = Read<Page<Lob>>([&](Transaction& tx) { return tx.Org().ListLobs(a_, f, {}); });
    return r ? Ids(*r) : std::vector<int64_t>{-1};
  };
  EXPECT_EQ(list({}), (std::vector<int64_t>{retail.id, cards.id, loans.id}));
  EXPECT_EQ(list({.search = "BANK"}), (std::vector<int64_t>{retail.id}));
  EXPECT_EQ(list({.search = "an"}), (std::vector<int64_t>{retail.id, loans.id}));
  EXPECT_EQ(list({.lob_ids = std::vector<int64_t>{loans.id, cards.id}}),
            (std::vector<int64_t>{cards.id, loans.id}));
  EXPECT_EQ(list({.lob_ids = std::vector<int64_t>{}}), std::vector<int64_t>{});
}

// ---- Teams ----

TEST_P(StoreConformance, TeamRoundTripWithSupervisorsAndReplacement) {
  const Site site = MakeSite(a_, "Lisbon");
  const Lob lob = MakeLob(a_, "Retail");
  const User s1 = MakeUser(a_, "sup1@acme.test");
  const User s2 = MakeUser(a_, "sup2@acme.test");
  const User s3 = MakeUser(a_, "sup3@acme.test");
  const Team in{.name = "Blue",
                .site_id = site.id,
                .lob_id = lob.id,
                .supervisor_ids = {s3.id, s1.id},
                .created_at = At(2),
                .updated_at = At(3)};
  auto team = Write<Team>([&](Transaction& tx) { return tx.Org().InsertTeam(a_, in); });
  ASSERT_TRUE(team);
  EXPECT_EQ(team->supervisor_ids, (std::vector<int64_t>{s1.id, s3.id}));
  auto got = Read<Team>([&](Transaction& tx) { return tx.Org().GetTeam(a_, team->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(Fields(*got),
            std::make_tuple(team->id, std::string("Blue"), std::optional<int64_t>(site.id),
                            std::optional<int64_t>(lob.id), std::vector<int64_t>{s1.id, s3.id},
                            Ms(At(2)), Ms(At(3))));

  Team changed = *got;
  changed.name = "Green";
  changed.site_id.reset();
  changed.lob_id.reset();
  changed.supervisor_ids = {s2.id};
  changed.updated_at = At(7);
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) { return tx.Org().UpdateTeam(a_, changed); }).ok());
  got = Read<Team>([&](Transaction& tx) { return tx.Org().GetTeam(a_, team->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(Fields(*got), Fields(changed));

  auto supervised = Read<std::vector<int64_t>>(
      [&](Transaction& tx) { return tx.Org().SupervisedTeamIds(a_, s2.id); });
  EXPECT_EQ(supervised, std::vector<int64_t>{team->id});
  supervised = Read<std::vector<int64_t>>(
      [&](Transaction& tx) { return tx.Org().SupervisedTeamIds(a_, s1.id); });
  EXPECT_EQ(supervised, std::vector<int64_t>{});
}

TEST_P(StoreConformance, SupervisedTeamIdsAreSortedAndSkipDeletedTeams) {
  const User sup = MakeUser(a_, "sup@acme.test");
  std::vector<int64_t> ids;
  for (const char* name : {"Red", "Green", "Blue"}) {
    auto team = Write<Team>([&](Transaction& tx) {
      return tx.Org().InsertTeam(a_, {.name = name, .supervisor_ids = {sup.id}});
    });
    ASSERT_TRUE(team);
    ids.push_back(team->id);
  }
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Org().DeleteTeam(a_, ids[1], At(5)); }).ok());
  auto supervised = Read<std::vector<int64_t>>(
      [&](Transaction& tx) { return tx.Org().SupervisedTeamIds(a_, sup.id); });
  EXPECT_EQ(supervised, (std::vector<int64_t>{ids[0], ids[2]}));
}

TEST_P(StoreConformance, TeamReferencesMustBeLiveRowsOfTheTenant) {
  const Site other_site = MakeSite(b_, "Elsewhere");
  const Lob lob = MakeLob(a_, "Retail");
  const User other_user = MakeUser(b_, "someone@globex.test");
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Org().DeleteLob(a_, lob.id, At(2)); }).ok());
  auto field_of = [&](const Team& team) {
    const Status s = WriteStatus([&](Transaction& tx) -> Status {
      auto r = tx.Org().InsertTeam(a_, team);
      return r ? Status::Ok() : r.error();
    });
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    return s.field_errors().empty() ? std::string() : s.field_errors().front().field;
  };
  EXPECT_EQ(field_of({.name = "T1", .site_id = other_site.id}), "site_id");
  EXPECT_EQ(field_of({.name = "T2", .lob_id = lob.id}), "lob_id");  // deleted
  EXPECT_EQ(field_of({.name = "T3", .supervisor_ids = {other_user.id}}), "supervisor_ids");
  EXPECT_EQ(field_of({.name = "T4", .site_id = 999999}), "site_id");
}

TEST_P(StoreConformance, TeamNamesAreUniqueUntilDeleted) {
  const Team blue = MakeTeam(a_, "Blue");
  const Status dup = WriteStatus([&](Transaction& tx) -> Status {
    auto r = tx.Org().InsertTeam(a_, {.name = "Blue"});
    return r ? Status::Ok() : r.error();
  });
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(dup.message().find("name"), std::string::npos) << dup.message();
  EXPECT_NE(MakeTeam(b_, "Blue").id, 0);
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Org().DeleteTeam(a_, blue.id, At(2)); }).ok());
  EXPECT_EQ(ReadStatus([&](Transaction& tx) -> Status {
              auto r = tx.Org().GetTeam(a_, blue.id);
              return r ? Status::Ok() : r.error();
            }).code(),
            StatusCode::kNotFound);
  EXPECT_NE(MakeTeam(a_, "Blue").id, 0);
}

TEST_P(StoreConformance, TeamFiltersByIdsLobsAndSearch) {
  const Lob retail = MakeLob(a_, "Retail");
  const Lob cards = MakeLob(a_, "Cards");
  const Team blue = MakeTeam(a_, "Blue Sky", retail.id);
  const Team green = MakeTeam(a_, "Green", cards.id);
  const Team navy = MakeTeam(a_, "Navy blue", retail.id);
  const Team plain = MakeTeam(a_, "Plain");
  auto list = [&](OrgFilter f) {
    auto r = Read<Page<Team>>([&](Transaction& tx) { return tx.Org().ListTeams(a_, f, {}); });
    return r ? Ids(*r) : std::vector<int64_t>{-1};
  };
  EXPECT_EQ(list({}), (std::vector<int64_t>{blue.id, green.id, navy.id, plain.id}));
  EXPECT_EQ(list({.team_ids = std::vector<int64_t>{navy.id, green.id}}),
            (std::vector<int64_t>{green.id, navy.id}));
  EXPECT_EQ(list({.team_ids = std::vector<int64_t>{}}), std::vector<int64_t>{});
  EXPECT_EQ(list({.lob_ids = std::vector<int64_t>{retail.id}}),
            (std::vector<int64_t>{blue.id, navy.id}));
  EXPECT_EQ(list({.lob_ids = std::vector<int64_t>{}}), std::vector<int64_t>{});
  EXPECT_EQ(list({.search = "BLUE"}), (std::vector<int64_t>{blue.id, navy.id}));
  EXPECT_EQ(list({.team_ids = std::vector<int64_t>{blue.id, green.id}, .search = "blue"}),
            (std::vector<int64_t>{blue.id}));
}

// ---- Users ----

TEST_P(StoreConformance, UserRoundTripUpdateAndLobReplacement) {
  const Team team = MakeTeam(a_, "Blue");
  const Team other_team = MakeTeam(a_, "Green");
  const Lob l1 = MakeLob(a_, "Retail");
  const Lob l2 = MakeLob(a_, "Cards");
  const Lob l3 = MakeLob(a_, "Loans");
  const User in{.email = "ana@acme.test",
                .name = "Ana Silva",
                .role = Role::kSupervisor,
                .team_id = team.id,
                .lob_ids = {l3.id, l1.id},
                .active = false,
                .created_at = At(1),
                .updated_at = At(2)};
  auto user = Write<User>([&](Transaction& tx) { return tx.Org().InsertUser(a_, in); });
  ASSERT_TRUE(user);
  EXPECT_EQ(user->lob_ids, (std::vector<int64_t>{l1.id, l3.id}));
  auto got = Read<User>([&](Transaction& tx) { return tx.Org().GetUser(a_, user->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(Fields(*got),
            std::make_tuple(user->id, std::string("ana@acme.test"), std::string("Ana Silva"),
                            static_cast<int>(Role::kSupervisor), std::optional<int64_t>(team.id),
                            std::vector<int64_t>{l1.id, l3.id}, false, Ms(At(1)), Ms(At(2))));

  User changed = *got;
  changed.email = "ana.silva@acme.test";
  changed.name = "Ana M. Silva";
  changed.role = Role::kClientViewer;
  changed.team_id = other_team.id;
  changed.lob_ids = {l2.id};
  changed.active = true;
  changed.updated_at = At(8);
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) { return tx.Org().UpdateUser(a_, changed); }).ok());
  got = Read<User>([&](Transaction& tx) { return tx.Org().GetUser(a_, user->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(Fields(*got), Fields(changed));

  changed.team_id.reset();
  changed.lob_ids.clear();
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) { return tx.Org().UpdateUser(a_, changed); }).ok());
  got = Read<User>([&](Transaction& tx) { return tx.Org().GetUser(a_, user->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(Fields(*got), Fields(changed));
}

TEST_P(StoreConformance, EveryRoleRoundTrips) {
  int i = 0;
  for (Role role : kAllRoles) {
    auto user = Write<User>([&](Transaction& tx) {
      return tx.Org().InsertUser(
          a_, {.email = "r" + std::to_string(i++) + "@acme.test", .name = "R", .role = role});
    });
    ASSERT_TRUE(user);
    auto got = Read<User>([&](Transaction& tx) { return tx.Org().GetUser(a_, user->id); });
    ASSERT_TRUE(got);
    EXPECT_EQ(got->role, role);
  }
}

TEST_P(StoreConformance, UserEmailIsUniqueAcrossTenantsCaseInsensitiveUntilDeleted) {
  const User ana = MakeUser(a_, "ana@acme.test");
  for (TenantScope scope : {a_, b_}) {
    const Status dup = WriteStatus([&](Transaction& tx) -> Status {
      auto r = tx.Org().InsertUser(scope, {.email = "ANA@acme.test", .name = "Other"});
      return r ? Status::Ok() : r.error();
    });
    EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists) << dup.ToString();
    EXPECT_NE(dup.message().find("email"), std::string::npos) << dup.message();
  }
  const User bob = MakeUser(a_, "bob@acme.test");
  User renamed = bob;
  renamed.email = "ana@acme.test";
  const Status taken =
      WriteStatus([&](Transaction& tx) { return tx.Org().UpdateUser(a_, renamed); });
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists);

  auto found =
      Read<User>([&](Transaction& tx) { return tx.Org().FindUserByEmail(a_, "Ana@Acme.TEST"); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, ana.id);

  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Org().DeleteUser(a_, ana.id, At(4)); }).ok());
  EXPECT_EQ(ReadStatus([&](Transaction& tx) -> Status {
              auto r = tx.Org().FindUserByEmail(a_, "ana@acme.test");
              return r ? Status::Ok() : r.error();
            }).code(),
            StatusCode::kNotFound);
  // Free again, in any tenant.
  const User reborn = MakeUser(b_, "ana@acme.test");
  EXPECT_NE(reborn.id, 0);
  EXPECT_NE(reborn.id, ana.id);
}

TEST_P(StoreConformance, UserReferencesMustBeLiveRowsOfTheTenant) {
  const Team other_team = MakeTeam(b_, "Theirs");
  const Lob other_lob = MakeLob(b_, "Theirs");
  auto field_of = [&](const User& user) {
    const Status s = WriteStatus([&](Transaction& tx) -> Status {
      auto r = tx.Org().InsertUser(a_, user);
      return r ? Status::Ok() : r.error();
    });
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    return s.field_errors().empty() ? std::string() : s.field_errors().front().field;
  };
  EXPECT_EQ(field_of({.email = "x@acme.test", .name = "X", .team_id = other_team.id}), "team_id");
  EXPECT_EQ(field_of({.email = "y@acme.test", .name = "Y", .lob_ids = {other_lob.id}}), "lob_ids");
}

TEST_P(StoreConformance, UserFiltersByTeamLobUserSearchAndActivity) {
  const Lob retail = MakeLob(a_, "Retail");
  const Lob cards = MakeLob(a_, "Cards");
  const Team blue = MakeTeam(a_, "Blue");
  const Team green = MakeTeam(a_, "Green");
  auto add = [&](const std::string& email, const std::string& name, std::optional<int64_t> team,
                 std::vector<int64_t> lobs, bool active) {
    auto u = Write<User>([&](Transaction& tx) {
      return tx.Org().InsertUser(
          a_, {.email = email, .name = name, .team_id = team, .lob_ids = lobs, .active = active});
    });
    return u ? u->id : int64_t{-1};
  };
  const int64_t ana = add("ana@acme.test", "Ana Silva", blue.id, {retail.id}, true);
  const int64_t bea = add("bea@acme.test", "Beatriz Costa", green.id, {cards.id, retail.id}, true);
  const int64_t carl = add("carl@example.org", "Carl", blue.id, {}, false);
  const int64_t dora = add("dora@acme.test", "Dora", std::nullopt, {cards.id}, true);
  auto list = [&](OrgFilter f) {
    auto r = Read<Page<User>>([&](Transaction& tx) { return tx.Org().ListUsers(a_, f, {}); });
    return r ? Ids(*r) : std::vector<int64_t>{-1};
  };
  EXPECT_EQ(list({}), (std::vector<int64_t>{ana, bea, carl, dora}));
  EXPECT_EQ(list({.team_ids = std::vector<int64_t>{blue.id}}), (std::vector<int64_t>{ana, carl}));
  EXPECT_EQ(list({.team_ids = std::vector<int64_t>{}}), std::vector<int64_t>{});
  EXPECT_EQ(list({.lob_ids = std::vector<int64_t>{cards.id}}), (std::vector<int64_t>{bea, dora}));
  EXPECT_EQ(list({.lob_ids = std::vector<int64_t>{}}), std::vector<int64_t>{});
  EXPECT_EQ(list({.user_id = bea}), std::vector<int64_t>{bea});
  EXPECT_EQ(list({.search = "COSTA"}), std::vector<int64_t>{bea});         // by name
  EXPECT_EQ(list({.search = "example.ORG"}), std::vector<int64_t>{carl});  // by e-mail
  EXPECT_EQ(list({.include_inactive = false}), (std::vector<int64_t>{ana, bea, dora}));
  EXPECT_EQ(list({.team_ids = std::vector<int64_t>{blue.id}, .include_inactive = false}),
            std::vector<int64_t>{ana});
}

TEST_P(StoreConformance, UsersPageAcrossThreePages) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(MakeUser(a_, "u" + std::to_string(i) + "@acme.test").id);
  std::vector<int64_t> seen;
  PageRequest page{.limit = 2};
  int pages = 0;
  for (;;) {
    auto r = Read<Page<User>>([&](Transaction& tx) { return tx.Org().ListUsers(a_, {}, page); });
    ASSERT_TRUE(r);
    ++pages;
    for (int64_t id : Ids(*r)) seen.push_back(id);
    if (!r->next_after) break;
    page.after_id = r->next_after;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, ids);
}

// ---- Agents ----

TEST_P(StoreConformance, AgentRoundTripWithPbxIdsAndReplacement) {
  const Team team = MakeTeam(a_, "Blue");
  const User user = MakeUser(a_, "ana@acme.test", team.id);
  const Agent in{.name = "Ana",
                 .user_id = user.id,
                 .team_id = team.id,
                 .pbx_ids = {"SIP/1001", "PJSIP/ana", "101"},
                 .active = false,
                 .created_at = At(1),
                 .updated_at = At(2)};
  auto agent = Write<Agent>([&](Transaction& tx) { return tx.Org().InsertAgent(a_, in); });
  ASSERT_TRUE(agent);
  const std::vector<std::string> sorted{"101", "PJSIP/ana", "SIP/1001"};
  EXPECT_EQ(agent->pbx_ids, sorted);
  auto got = Read<Agent>([&](Transaction& tx) { return tx.Org().GetAgent(a_, agent->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(Fields(*got),
            std::make_tuple(agent->id, std::string("Ana"), std::optional<int64_t>(user.id),
                            std::optional<int64_t>(team.id), sorted, false, Ms(At(1)), Ms(At(2))));
  Agent changed = *got;
  changed.name = "Ana S.";
  changed.user_id.reset();
  changed.team_id.reset();
  changed.pbx_ids = {"SIP/2002", "101"};
  changed.active = true;
  changed.updated_at = At(6);
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) { return tx.Org().UpdateAgent(a_, changed); }).ok());
  got = Read<Agent>([&](Transaction& tx) { return tx.Org().GetAgent(a_, agent->id); });
  ASSERT_TRUE(got);
  changed.pbx_ids = {"101", "SIP/2002"};
  EXPECT_EQ(Fields(*got), Fields(changed));
}

TEST_P(StoreConformance, PbxIdsAreUniquePerTenantUntilTheAgentIsDeleted) {
  auto insert = [&](TenantScope scope, const std::string& name, std::vector<std::string> pbx) {
    Result<Agent> out = Status::Internal("not run");
    const Status s = WriteStatus([&](Transaction& tx) -> Status {
      out = tx.Org().InsertAgent(scope, {.name = name, .pbx_ids = pbx});
      return out ? Status::Ok() : out.error();
    });
    return std::make_pair(s, out ? out->id : 0);
  };
  auto [ok, first] = insert(a_, "Ana", {"SIP/1001"});
  ASSERT_TRUE(ok.ok()) << ok.ToString();
  auto [dup, unused] = insert(a_, "Bea", {"SIP/1002", "SIP/1001"});
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(dup.message().find("pbx_id"), std::string::npos) << dup.message();
  EXPECT_TRUE(insert(b_, "Other", {"SIP/1001"}).first.ok());  // another tenant
  // The failed insert left nothing behind.
  auto bea = Read<Page<Agent>>(
      [&](Transaction& tx) { return tx.Org().ListAgents(a_, {.search = "Bea"}, {}); });
  ASSERT_TRUE(bea);
  EXPECT_TRUE(bea->items.empty());

  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Org().DeleteAgent(a_, first, At(3)); }).ok());
  EXPECT_EQ(ReadStatus([&](Transaction& tx) -> Status {
              auto r = tx.Org().GetAgent(a_, first);
              return r ? Status::Ok() : r.error();
            }).code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(insert(a_, "Bea", {"SIP/1001"}).first.ok());
}

TEST_P(StoreConformance, AgentReferencesMustBeLiveRowsOfTheTenant) {
  const User other_user = MakeUser(b_, "x@globex.test");
  const Team team = MakeTeam(a_, "Blue");
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Org().DeleteTeam(a_, team.id, At(2)); }).ok());
  auto field_of = [&](const Agent& agent) {
    const Status s = WriteStatus([&](Transaction& tx) -> Status {
      auto r = tx.Org().InsertAgent(a_, agent);
      return r ? Status::Ok() : r.error();
    });
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    return s.field_errors().empty() ? std::string() : s.field_errors().front().field;
  };
  EXPECT_EQ(field_of({.name = "A", .user_id = other_user.id}), "user_id");
  EXPECT_EQ(field_of({.name = "B", .team_id = team.id}), "team_id");
}

TEST_P(StoreConformance, AgentFiltersByTeamLobUserSearchAndActivity) {
  const Lob retail = MakeLob(a_, "Retail");
  const Team blue = MakeTeam(a_, "Blue", retail.id);
  const Team green = MakeTeam(a_, "Green");
  const User ana_user = MakeUser(a_, "ana@acme.test");
  auto add = [&](const std::string& name, std::optional<int64_t> user, std::optional<int64_t> team,
                 bool active) {
    auto a = Write<Agent>([&](Transaction& tx) {
      return tx.Org().InsertAgent(
          a_, {.name = name, .user_id = user, .team_id = team, .active = active});
    });
    return a ? a->id : int64_t{-1};
  };
  const int64_t ana = add("Ana Silva", ana_user.id, blue.id, true);
  const int64_t bea = add("Beatriz", std::nullopt, green.id, true);
  const int64_t carl = add("Carl", std::nullopt, blue.id, false);
  const int64_t dora = add("Dora Silva", std::nullopt, std::nullopt, true);
  auto list = [&](OrgFilter f) {
    auto r = Read<Page<Agent>>([&](Transaction& tx) { return tx.Org().ListAgents(a_, f, {}); });
    return r ? Ids(*r) : std::vector<int64_t>{-1};
  };
  EXPECT_EQ(list({}), (std::vector<int64_t>{ana, bea, carl, dora}));
  EXPECT_EQ(list({.team_ids = std::vector<int64_t>{blue.id}}), (std::vector<int64_t>{ana, carl}));
  EXPECT_EQ(list({.team_ids = std::vector<int64_t>{}}), std::vector<int64_t>{});
  EXPECT_EQ(list({.lob_ids = std::vector<int64_t>{retail.id}}), (std::vector<int64_t>{ana, carl}));
  EXPECT_EQ(list({.lob_ids = std::vector<int64_t>{}}), std::vector<int64_t>{});
  EXPECT_EQ(list({.user_id = ana_user.id}), std::vector<int64_t>{ana});
  EXPECT_EQ(list({.search = "silva"}), (std::vector<int64_t>{ana, dora}));
  EXPECT_EQ(list({.include_inactive = false}), (std::vector<int64_t>{ana, bea, dora}));
}

TEST_P(StoreConformance, AUserIsAtMostOneLiveAgent) {
  const User user = MakeUser(a_, "ana@acme.test");
  auto first = Write<Agent>([&](Transaction& tx) {
    return tx.Org().InsertAgent(a_, {.name = "Ana", .user_id = user.id});
  });
  ASSERT_TRUE(first);
  const Status dup = WriteStatus([&](Transaction& tx) -> Status {
    auto r = tx.Org().InsertAgent(a_, {.name = "Ana 2", .user_id = user.id});
    return r ? Status::Ok() : r.error();
  });
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(dup.message().find("user_id"), std::string::npos) << dup.message();
}

// ---- Tenant isolation ----

TEST_P(StoreConformance, AnotherTenantCannotSeeOrChangeOrgRows) {
  const Site site = MakeSite(a_, "Lisbon");
  const Lob lob = MakeLob(a_, "Retail");
  const User sup = MakeUser(a_, "sup@acme.test");
  auto team = Write<Team>([&](Transaction& tx) {
    return tx.Org().InsertTeam(a_, {.name = "Blue", .supervisor_ids = {sup.id}});
  });
  ASSERT_TRUE(team);
  const User user = MakeUser(a_, "ana@acme.test", team->id);
  const Agent agent = MakeAgent(a_, "Ana", team->id);

  auto code = [&](const std::function<Status(OrgStore&)>& fn) {
    return WriteStatus([&](Transaction& tx) { return fn(tx.Org()); }).code();
  };
  auto err = [](const auto& r) { return r ? Status::Ok() : r.error(); };
  constexpr StatusCode kNotFound = StatusCode::kNotFound;

  EXPECT_EQ(code([&](OrgStore& s) { return err(s.GetSite(b_, site.id)); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return err(s.GetLob(b_, lob.id)); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return err(s.GetTeam(b_, team->id)); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return err(s.GetUser(b_, user.id)); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return err(s.FindUserByEmail(b_, user.email)); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return err(s.GetAgent(b_, agent.id)); }), kNotFound);

  Site s2 = site;
  s2.name = "Hijacked";
  Lob l2 = lob;
  l2.name = "Hijacked";
  Team t2 = *team;
  t2.name = "Hijacked";
  t2.supervisor_ids.clear();
  User u2 = user;
  u2.name = "Hijacked";
  u2.team_id.reset();
  Agent a2 = agent;
  a2.name = "Hijacked";
  a2.team_id.reset();
  EXPECT_EQ(code([&](OrgStore& s) { return s.UpdateSite(b_, s2); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return s.UpdateLob(b_, l2); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return s.UpdateTeam(b_, t2); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return s.UpdateUser(b_, u2); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return s.UpdateAgent(b_, a2); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return s.DeleteSite(b_, site.id, At(9)); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return s.DeleteLob(b_, lob.id, At(9)); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return s.DeleteTeam(b_, team->id, At(9)); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return s.DeleteUser(b_, user.id, At(9)); }), kNotFound);
  EXPECT_EQ(code([&](OrgStore& s) { return s.DeleteAgent(b_, agent.id, At(9)); }), kNotFound);

  // Lists of B are empty, even when asked for A's ids.
  const std::vector<int64_t> a_teams{team->id};
  auto b_rows = Read<size_t>([&](Transaction& tx) -> Result<size_t> {
    OrgStore& s = tx.Org();
    size_t n = 0;
    auto sites = s.ListSites(b_, {});
    auto lobs = s.ListLobs(b_, {}, {});
    auto teams = s.ListTeams(b_, {.team_ids = a_teams}, {});
    auto users = s.ListUsers(b_, {.team_ids = a_teams}, {});
    auto agents = s.ListAgents(b_, {.team_ids = a_teams}, {});
    auto supervised = s.SupervisedTeamIds(b_, sup.id);
    if (!sites || !lobs || !teams || !users || !agents || !supervised) {
      return Status::Internal("a list failed");
    }
    n += sites->items.size() + lobs->items.size() + teams->items.size() + users->items.size() +
         agents->items.size() + supervised->size();
    return n;
  });
  EXPECT_EQ(b_rows, size_t{0});

  // A's rows are untouched.
  auto site_now = Read<Site>([&](Transaction& tx) { return tx.Org().GetSite(a_, site.id); });
  auto lob_now = Read<Lob>([&](Transaction& tx) { return tx.Org().GetLob(a_, lob.id); });
  auto team_now = Read<Team>([&](Transaction& tx) { return tx.Org().GetTeam(a_, team->id); });
  auto user_now = Read<User>([&](Transaction& tx) { return tx.Org().GetUser(a_, user.id); });
  auto agent_now = Read<Agent>([&](Transaction& tx) { return tx.Org().GetAgent(a_, agent.id); });
  ASSERT_TRUE(site_now && lob_now && team_now && user_now && agent_now);
  EXPECT_EQ(Fields(*site_now), Fields(site));
  EXPECT_EQ(Fields(*lob_now), Fields(lob));
  EXPECT_EQ(Fields(*team_now), Fields(*team));
  EXPECT_EQ(Fields(*user_now), Fields(user));
  EXPECT_EQ(Fields(*agent_now), Fields(agent));
}

TEST_P(StoreConformance, DeletedUsersDropOutOfSupervisorLists) {
  const User s1 = MakeUser(a_, "s1@acme.test");
  const User s2 = MakeUser(a_, "s2@acme.test");
  auto team = Write<Team>([&](Transaction& tx) {
    return tx.Org().InsertTeam(a_, {.name = "Blue", .supervisor_ids = {s1.id, s2.id}});
  });
  ASSERT_TRUE(team);
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Org().DeleteUser(a_, s1.id, At(3)); }).ok());
  auto got = Read<Team>([&](Transaction& tx) { return tx.Org().GetTeam(a_, team->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->supervisor_ids, std::vector<int64_t>{s2.id});
}

}  // namespace callboard
