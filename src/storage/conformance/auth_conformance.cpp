// StoreConformance: AuthStore (credentials, password history, sessions, API tokens).
#include <tuple>

#include "auth/auth_store.h"
#include "org/org_store.h"
#include "storage/conformance/store_conformance.h"

namespace callboard {

int AuthConformanceLinkAnchor() { return 1; }

namespace {

int64_t Ms(TimePoint t) { return ToUnixMillis(t); }
std::optional<int64_t> Ms(std::optional<TimePoint> t) {
  if (!t) return std::nullopt;
  return ToUnixMillis(*t);
}

auto Fields(const Credentials& c) {
  return std::make_tuple(c.tenant_id, c.user_id, c.active, c.password_hash, c.failed_logins,
                         Ms(c.locked_until));
}
auto Fields(const Session& s) {
  return std::make_tuple(s.id, s.tenant_id, s.user_id, s.token_hash, s.csrf_hash, Ms(s.created_at),
                         Ms(s.expires_at), Ms(s.revoked_at), s.ip);
}
auto Fields(const ApiToken& t) {
  return std::make_tuple(t.id, t.tenant_id, t.name, t.token_hash, t.scopes, t.created_by,
                         Ms(t.created_at), Ms(t.revoked_at), Ms(t.last_used_at));
}

std::string Hex(char c) { return std::string(64, c); }

Session NewSession(int64_t user_id, const std::string& token_hash, TimePoint at) {
  return {.user_id = user_id,
          .token_hash = token_hash,
          .csrf_hash = "c" + token_hash.substr(1),
          .created_at = at,
          .expires_at = at + std::chrono::hours(8),
          .revoked_at = std::nullopt,
          .ip = "203.0.113.7"};
}

}  // namespace

// ---- Credentials ----

TEST_P(StoreConformance, CredentialsByEmailAreCaseInsensitiveAndCrossTenant) {
  const User ana = MakeUser(b_, "ana@globex.test");
  auto creds = Read<Credentials>(
      [](Transaction& tx) { return tx.Auth().FindCredentialsByEmail("ANA@Globex.Test"); });
  ASSERT_TRUE(creds);
  EXPECT_EQ(Fields(*creds), std::make_tuple(b_.tenant_id(), ana.id, true, std::string(), 0,
                                            std::optional<int64_t>()));
  auto scoped =
      Read<Credentials>([&](Transaction& tx) { return tx.Auth().GetCredentials(b_, ana.id); });
  ASSERT_TRUE(scoped);
  EXPECT_EQ(Fields(*scoped), Fields(*creds));

  EXPECT_EQ(ReadStatus([](Transaction& tx) -> Status {
              auto r = tx.Auth().FindCredentialsByEmail("nobody@globex.test");
              return r ? Status::Ok() : r.error();
            }).code(),
            StatusCode::kNotFound);
}

TEST_P(StoreConformance, CredentialsOfInactiveUsersAreFoundButNotOfDeletedOnes) {
  User ana = MakeUser(a_, "ana@acme.test");
  ana.active = false;
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) { return tx.Org().UpdateUser(a_, ana); }).ok());
  auto creds = Read<Credentials>(
      [](Transaction& tx) { return tx.Auth().FindCredentialsByEmail("ana@acme.test"); });
  ASSERT_TRUE(creds);
  EXPECT_FALSE(creds->active);

  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Org().DeleteUser(a_, ana.id, At(3)); }).ok());
  for (bool by_email : {true, false}) {
    EXPECT_EQ(ReadStatus([&](Transaction& tx) -> Status {
                auto r = by_email ? tx.Auth().FindCredentialsByEmail("ana@acme.test")
                                  : tx.Auth().GetCredentials(a_, ana.id);
                return r ? Status::Ok() : r.error();
              }).code(),
              StatusCode::kNotFound);
  }
}

TEST_P(StoreConformance, LoginFailuresAndLockAreStoredAndCleared) {
  const User ana = MakeUser(a_, "ana@acme.test");
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Auth().SetLoginFailures(a_, ana.id, 5, At(15));
              }).ok());
  auto creds =
      Read<Credentials>([&](Transaction& tx) { return tx.Auth().GetCredentials(a_, ana.id); });
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->failed_logins, 5);
  EXPECT_EQ(Ms(creds->locked_until), std::optional<int64_t>(Ms(At(15))));

  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Auth().SetLoginFailures(a_, ana.id, 0, std::nullopt);
              }).ok());
  creds = Read<Credentials>([&](Transaction& tx) { return tx.Auth().GetCredentials(a_, ana.id); });
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->failed_logins, 0);
  EXPECT_FALSE(creds->locked_until.has_value());

  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.Auth().SetLoginFailures(a_, 987654, 1, std::nullopt);
            }).code(),
            StatusCode::kNotFound);
}

TEST_P(StoreConformance, PasswordHashesKeepAHistoryNewestFirst) {
  const User ana = MakeUser(a_, "ana@acme.test");
  auto recent = [&](int n) {
    return Read<std::vector<std::string>>(
        [&](Transaction& tx) { return tx.Auth().RecentPasswordHashes(a_, ana.id, n); });
  };
  EXPECT_EQ(recent(5), std::vector<std::string>{});  // no password yet
  for (int i = 1; i <= 4; ++i) {
    ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                  return tx.Auth().SetPasswordHash(a_, ana.id, "$argon2id$h" + std::to_string(i),
                                                   At(i));
                }).ok());
  }
  auto creds =
      Read<Credentials>([&](Transaction& tx) { return tx.Auth().GetCredentials(a_, ana.id); });
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->password_hash, "$argon2id$h4");
  EXPECT_EQ(recent(3), (std::vector<std::string>{"$argon2id$h4", "$argon2id$h3", "$argon2id$h2"}));
  EXPECT_EQ(recent(10), (std::vector<std::string>{"$argon2id$h4", "$argon2id$h3", "$argon2id$h2",
                                                  "$argon2id$h1"}));
  EXPECT_EQ(recent(1), std::vector<std::string>{"$argon2id$h4"});
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.Auth().SetPasswordHash(a_, 987654, "$argon2id$x", At(9));
            }).code(),
            StatusCode::kNotFound);
}

// ---- Sessions ----

TEST_P(StoreConformance, SessionsInsertFindAndRevoke) {
  const User ana = MakeUser(a_, "ana@acme.test");
  auto session = Write<Session>([&](Transaction& tx) {
    return tx.Auth().InsertSession(a_, NewSession(ana.id, Hex('a'), At(1)));
  });
  ASSERT_TRUE(session);
  EXPECT_GT(session->id, 0);
  EXPECT_EQ(session->tenant_id, a_.tenant_id());
  auto found =
      Read<Session>([](Transaction& tx) { return tx.Auth().FindSessionByTokenHash(Hex('a')); });
  ASSERT_TRUE(found);
  EXPECT_EQ(Fields(*found),
            std::make_tuple(session->id, a_.tenant_id(), ana.id, Hex('a'), "c" + Hex('a').substr(1),
                            Ms(At(1)), Ms(At(1) + std::chrono::hours(8)), std::optional<int64_t>(),
                            std::string("203.0.113.7")));

  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Auth().RevokeSession(a_, session->id, At(2));
              }).ok());
  // Revoked sessions are still found (the caller decides), and revoking again keeps the time.
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Auth().RevokeSession(a_, session->id, At(3));
              }).ok());
  found = Read<Session>([](Transaction& tx) { return tx.Auth().FindSessionByTokenHash(Hex('a')); });
  ASSERT_TRUE(found);
  EXPECT_EQ(Ms(found->revoked_at), std::optional<int64_t>(Ms(At(2))));

  EXPECT_EQ(ReadStatus([](Transaction& tx) -> Status {
              auto r = tx.Auth().FindSessionByTokenHash(Hex('f'));
              return r ? Status::Ok() : r.error();
            }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.Auth().RevokeSession(a_, 987654, At(2));
            }).code(),
            StatusCode::kNotFound);
}

TEST_P(StoreConformance, SessionTokenHashesAreUniqueAndNeedALiveUser) {
  const User ana = MakeUser(a_, "ana@acme.test");
  const User bob = MakeUser(b_, "bob@globex.test");
  ASSERT_TRUE(Write<Session>([&](Transaction& tx) {
    return tx.Auth().InsertSession(a_, NewSession(ana.id, Hex('a'), At(1)));
  }));
  const Status dup = WriteStatus([&](Transaction& tx) -> Status {
    auto r = tx.Auth().InsertSession(b_, NewSession(bob.id, Hex('a'), At(1)));
    return r ? Status::Ok() : r.error();
  });
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(dup.message().find("token_hash"), std::string::npos) << dup.message();
  const Status foreign_user = WriteStatus([&](Transaction& tx) -> Status {
    auto r = tx.Auth().InsertSession(a_, NewSession(bob.id, Hex('b'), At(1)));
    return r ? Status::Ok() : r.error();
  });
  EXPECT_EQ(foreign_user.code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreConformance, RevokeUserSessionsRevokesOnlyThatUsersLiveSessions) {
  const User ana = MakeUser(a_, "ana@acme.test");
  const User bob = MakeUser(a_, "bob@acme.test");
  std::vector<int64_t> ids;
  const std::vector<std::pair<int64_t, char>> owners{
      {ana.id, 'a'}, {ana.id, 'b'}, {ana.id, 'c'}, {bob.id, 'd'}};
  for (const auto& [user, hash] : owners) {
    auto s = Write<Session>([&](Transaction& tx) {
      return tx.Auth().InsertSession(a_, NewSession(user, Hex(hash), At(1)));
    });
    ASSERT_TRUE(s);
    ids.push_back(s->id);
  }
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Auth().RevokeSession(a_, ids[2], At(2));
              }).ok());
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Auth().RevokeUserSessions(a_, ana.id, At(5));
              }).ok());
  std::vector<std::optional<int64_t>> revoked;
  for (char hash : {'a', 'b', 'c', 'd'}) {
    auto s =
        Read<Session>([&](Transaction& tx) { return tx.Auth().FindSessionByTokenHash(Hex(hash)); });
    ASSERT_TRUE(s);
    revoked.push_back(Ms(s->revoked_at));
  }
  EXPECT_EQ(revoked,
            (std::vector<std::optional<int64_t>>{Ms(At(5)), Ms(At(5)), Ms(At(2)), std::nullopt}));
}

// ---- API tokens ----

TEST_P(StoreConformance, ApiTokensInsertFindGetListAndRevoke) {
  const User admin = MakeUser(a_, "admin@acme.test");
  const ApiToken in{.name = "PBX feed",
                    .token_hash = Hex('1'),
                    .scopes = {"ingest", "read"},
                    .created_by = admin.id,
                    .created_at = At(1),
                    .revoked_at = std::nullopt,
                    .last_used_at = At(4)};
  auto token = Write<ApiToken>([&](Transaction& tx) { return tx.Auth().InsertApiToken(a_, in); });
  ASSERT_TRUE(token);
  EXPECT_GT(token->id, 0);
  const auto expected =
      std::make_tuple(token->id, a_.tenant_id(), std::string("PBX feed"), Hex('1'),
                      std::vector<std::string>{"ingest", "read"}, std::optional<int64_t>(admin.id),
                      Ms(At(1)), std::optional<int64_t>(), std::optional<int64_t>(Ms(At(4))));
  auto found =
      Read<ApiToken>([](Transaction& tx) { return tx.Auth().FindApiTokenByHash(Hex('1')); });
  ASSERT_TRUE(found);
  EXPECT_EQ(Fields(*found), expected);
  auto got = Read<ApiToken>([&](Transaction& tx) { return tx.Auth().GetApiToken(a_, token->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(Fields(*got), expected);

  // Made on the command line: no creator, no scopes.
  auto cli = Write<ApiToken>([&](Transaction& tx) {
    return tx.Auth().InsertApiToken(a_,
                                    {.name = "cli", .token_hash = Hex('2'), .created_at = At(2)});
  });
  ASSERT_TRUE(cli);
  got = Read<ApiToken>([&](Transaction& tx) { return tx.Auth().GetApiToken(a_, cli->id); });
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->created_by.has_value());
  EXPECT_TRUE(got->scopes.empty());
  EXPECT_FALSE(got->last_used_at.has_value());

  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Auth().RevokeApiToken(a_, token->id, At(6));
              }).ok());
  found = Read<ApiToken>([](Transaction& tx) { return tx.Auth().FindApiTokenByHash(Hex('1')); });
  ASSERT_TRUE(found);  // revoked tokens are still found
  EXPECT_EQ(Ms(found->revoked_at), std::optional<int64_t>(Ms(At(6))));
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.Auth().RevokeApiToken(a_, 987654, At(6));
            }).code(),
            StatusCode::kNotFound);

  const Status dup = WriteStatus([&](Transaction& tx) -> Status {
    auto r =
        tx.Auth().InsertApiToken(b_, {.name = "copy", .token_hash = Hex('1'), .created_at = At(3)});
    return r ? Status::Ok() : r.error();
  });
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
}

TEST_P(StoreConformance, ApiTokensPageAcrossThreePagesIncludingRevokedOnes) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    auto t = Write<ApiToken>([&](Transaction& tx) {
      return tx.Auth().InsertApiToken(a_, {.name = "t" + std::to_string(i),
                                           .token_hash = Hex(static_cast<char>('a' + i)),
                                           .scopes = {"read"},
                                           .created_at = At(i)});
    });
    ASSERT_TRUE(t);
    ids.push_back(t->id);
  }
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Auth().RevokeApiToken(a_, ids[1], At(9));
              }).ok());
  std::vector<int64_t> seen;
  std::vector<size_t> sizes;
  PageRequest page{.limit = 2};
  for (;;) {
    auto r =
        Read<Page<ApiToken>>([&](Transaction& tx) { return tx.Auth().ListApiTokens(a_, page); });
    ASSERT_TRUE(r);
    sizes.push_back(r->items.size());
    for (const ApiToken& t : r->items) {
      seen.push_back(t.id);
      EXPECT_EQ(t.scopes, std::vector<std::string>{"read"});
    }
    if (!r->next_after) break;
    page.after_id = r->next_after;
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 1}));
  EXPECT_EQ(seen, ids);
}

// ---- Tenant isolation ----

TEST_P(StoreConformance, AnotherTenantCannotSeeOrChangeAuthRows) {
  const User ana = MakeUser(a_, "ana@acme.test");
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Auth().SetPasswordHash(a_, ana.id, "$argon2id$a", At(1));
              }).ok());
  auto session = Write<Session>([&](Transaction& tx) {
    return tx.Auth().InsertSession(a_, NewSession(ana.id, Hex('a'), At(1)));
  });
  auto token = Write<ApiToken>([&](Transaction& tx) {
    return tx.Auth().InsertApiToken(a_,
                                    {.name = "feed", .token_hash = Hex('t'), .created_at = At(1)});
  });
  ASSERT_TRUE(session && token);

  auto code = [&](const std::function<Status(AuthStore&)>& fn) {
    return WriteStatus([&](Transaction& tx) { return fn(tx.Auth()); }).code();
  };
  auto err = [](const auto& r) { return r ? Status::Ok() : r.error(); };
  constexpr StatusCode kNotFound = StatusCode::kNotFound;
  EXPECT_EQ(code([&](AuthStore& s) { return err(s.GetCredentials(b_, ana.id)); }), kNotFound);
  EXPECT_EQ(code([&](AuthStore& s) { return s.SetLoginFailures(b_, ana.id, 9, At(99)); }),
            kNotFound);
  EXPECT_EQ(code([&](AuthStore& s) { return s.SetPasswordHash(b_, ana.id, "$argon2id$b", At(2)); }),
            kNotFound);
  EXPECT_EQ(code([&](AuthStore& s) { return err(s.RecentPasswordHashes(b_, ana.id, 5)); }),
            kNotFound);
  EXPECT_EQ(code([&](AuthStore& s) { return s.RevokeSession(b_, session->id, At(2)); }), kNotFound);
  EXPECT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Auth().RevokeUserSessions(b_, ana.id, At(2));
              }).ok());
  EXPECT_EQ(code([&](AuthStore& s) { return err(s.GetApiToken(b_, token->id)); }), kNotFound);
  EXPECT_EQ(code([&](AuthStore& s) { return s.RevokeApiToken(b_, token->id, At(2)); }), kNotFound);
  auto b_tokens =
      Read<Page<ApiToken>>([&](Transaction& tx) { return tx.Auth().ListApiTokens(b_, {}); });
  ASSERT_TRUE(b_tokens);
  EXPECT_TRUE(b_tokens->items.empty());

  // A's rows are untouched.
  auto creds =
      Read<Credentials>([&](Transaction& tx) { return tx.Auth().GetCredentials(a_, ana.id); });
  ASSERT_TRUE(creds);
  EXPECT_EQ(Fields(*creds),
            std::make_tuple(a_.tenant_id(), ana.id, true, std::string("$argon2id$a"), 0,
                            std::optional<int64_t>()));
  auto s =
      Read<Session>([](Transaction& tx) { return tx.Auth().FindSessionByTokenHash(Hex('a')); });
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->revoked_at.has_value());
  auto t = Read<ApiToken>([&](Transaction& tx) { return tx.Auth().GetApiToken(a_, token->id); });
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->revoked_at.has_value());
}

}  // namespace callboard
