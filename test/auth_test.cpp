// Sign-in, lockout, sessions, cookies and CSRF, API tokens, bad input and the audit
// chain, over real HTTP against the in-process server.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json.hpp>

#include "app/app.h"
#include "auth/auth_service.h"
#include "org/org_service.h"
#include "test/support/test_server.h"

namespace callboard {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string LoginBody(const std::string& email, const std::string& password) {
  return boost::json::serialize(boost::json::object{{"email", email}, {"password", password}});
}

std::string ErrorCode(const ClientResponse& r) {
  return std::string(Json(r).at("error").at("code").as_string());
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tenant_ = server_.CreateTenant("acme");
    user_ = server_.CreateUser(tenant_, "Ann@Acme.test", Role::kManager);
  }
  ClientResponse Login(const std::string& password, const std::string& email = "ann@acme.test") {
    return client_.Request("POST", "/api/v1/auth/login", LoginBody(email, password),
                           {{"Content-Type", "application/json"}});
  }

  TestServer server_;
  HttpClient client_ = server_.Client();
  int64_t tenant_ = 0;
  int64_t user_ = 0;
};

TEST_F(AuthTest, LoginReturnsATokenThatIdentifiesTheUser) {
  ClientResponse r = Login(kTestPassword, "ANN@acme.test");  // e-mail is case-insensitive
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = Json(r);
  const std::string token(body.at("token").as_string());
  EXPECT_TRUE(token.starts_with("cbs_"));
  EXPECT_EQ(body.at("expires_at").as_string(), "2026-11-22T17:00:00.000Z");  // 8 hours
  auto cookie = r.Header("set-cookie");
  ASSERT_TRUE(cookie);
  EXPECT_TRUE(cookie->starts_with("__Host-cb_session=" + token + ";"));
  EXPECT_NE(cookie->find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie->find("SameSite=Strict"), std::string::npos);

  auto me = Json(client_.Request("GET", "/api/v1/auth/me", "", Bearer(token)));
  EXPECT_EQ(me.at("user").at("id").as_int64(), user_);
  EXPECT_EQ(me.at("user").at("email").as_string(), "ann@acme.test");
  EXPECT_EQ(me.at("role").as_string(), "manager");
  EXPECT_EQ(me.at("tenant").at("name").as_string(), "acme");
  EXPECT_EQ(me.at("scope").at("kind").as_string(), "tenant");
  const auto& perms = me.at("permissions").as_array();
  EXPECT_NE(std::find(perms.begin(), perms.end(), boost::json::value("export_data")), perms.end());
  EXPECT_EQ(std::find(perms.begin(), perms.end(), boost::json::value("manage_users")), perms.end());
}

TEST_F(AuthTest, WrongPasswordIs401InTheErrorShape) {
  ClientResponse r = Login("Wrong-Password-1");
  EXPECT_EQ(r.status, 401);
  auto err = Json(r).at("error");
  EXPECT_EQ(err.at("code").as_string(), "unauthenticated");
  EXPECT_EQ(err.at("message").as_string(), "invalid email or password");
  EXPECT_EQ(err.at("trace_id").as_string(), *r.Header("x-request-id"));
  // An unknown e-mail reads exactly the same.
  ClientResponse unknown = Login("Wrong-Password-1", "nobody@acme.test");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(Json(unknown).at("error").at("message").as_string(), "invalid email or password");
}

TEST_F(AuthTest, SixthAttemptIsRefusedAsLockedEvenWithTheRightPassword) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Login("Wrong-Password-1").status, 401) << i;
  ClientResponse sixth = Login(kTestPassword);
  EXPECT_EQ(sixth.status, 423);
  EXPECT_EQ(ErrorCode(sixth), "account_locked");
  server_.clock().Advance(std::chrono::minutes(14));
  EXPECT_EQ(Login(kTestPassword).status, 423);
  server_.clock().Advance(std::chrono::minutes(1));  // 15 minutes after the fifth failure
  EXPECT_EQ(Login(kTestPassword).status, 200);
  // A success resets the count: four failures do not lock.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Login("Wrong-Password-1").status, 401);
  EXPECT_EQ(Login(kTestPassword).status, 200);
}

TEST_F(AuthTest, SessionExpiresAfterEightHours) {
  const std::string token = server_.Login("ann@acme.test");
  server_.clock().Advance(std::chrono::hours(8) - std::chrono::seconds(1));
  EXPECT_EQ(client_.Request("GET", "/api/v1/auth/me", "", Bearer(token)).status, 200);
  server_.clock().Advance(std::chrono::seconds(1));
  ClientResponse r = client_.Request("GET", "/api/v1/auth/me", "", Bearer(token));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Json(r).at("error").at("message").as_string(), "session expired");
}

TEST_F(AuthTest, LogoutRevokesTheToken) {
  const std::string token = server_.Login("ann@acme.test");
  const std::string other = server_.Login("ann@acme.test");
  EXPECT_EQ(client_.Request("POST", "/api/v1/auth/logout", "", Bearer(token)).status, 204);
  ClientResponse r = client_.Request("GET", "/api/v1/auth/me", "", Bearer(token));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Json(r).at("error").at("message").as_string(), "session revoked");
  // Only that session ended.
  EXPECT_EQ(client_.Request("GET", "/api/v1/auth/me", "", Bearer(other)).status, 200);
}

TEST_F(AuthTest, PasswordChangeEnforcesPolicyAndHistoryAndEndsSessions) {
  const std::string token = server_.Login("ann@acme.test");
  auto change = [&](const std::string& current, const std::string& next) {
    return client_.Request("POST", "/api/v1/auth/password",
                           boost::json::serialize(boost::json::object{{"current_password", current},
                                                                      {"new_password", next}}),
                           Bearer(token));
  };
  ClientResponse weak = change(kTestPassword, "short");
  EXPECT_EQ(weak.status, 400);
  std::set<std::string> codes;
  const auto weak_body = Json(weak);
  for (const auto& f : weak_body.at("error").at("field_errors").as_array()) {
    EXPECT_EQ(f.at("field").as_string(), "new_password");
    codes.insert(std::string(f.at("code").as_string()));
  }
  EXPECT_EQ(codes,
            (std::set<std::string>{"too_short", "needs_upper", "needs_digit", "needs_special"}));
  ClientResponse reused = change(kTestPassword, kTestPassword);
  EXPECT_EQ(reused.status, 400);
  EXPECT_EQ(Json(reused).at("error").at("field_errors").at(0).at("code").as_string(), "reused");
  EXPECT_EQ(change(kTestPassword, "Fresh-Password-77").status, 204);
  EXPECT_EQ(client_.Request("GET", "/api/v1/auth/me", "", Bearer(token)).status, 401);
  EXPECT_EQ(Login(kTestPassword).status, 401);
  EXPECT_EQ(Login("Fresh-Password-77").status, 200);
}

TEST_F(AuthTest, CookieSessionsNeedTheCsrfTokenOnUnsafeMethods) {
  ClientResponse login = Login(kTestPassword);
  auto body = Json(login);
  const std::string token(body.at("token").as_string());
  const std::string csrf(body.at("csrf_token").as_string());
  const Headers cookie = {{"Cookie", "theme=dark; __Host-cb_session=" + token}};
  EXPECT_EQ(client_.Request("GET", "/api/v1/auth/me", "", cookie).status, 200);
  ClientResponse no_csrf = client_.Request("POST", "/api/v1/auth/logout", "", cookie);
  EXPECT_EQ(no_csrf.status, 403);
  Headers wrong = cookie;
  wrong.emplace_back("X-CSRF-Token", "not-the-token");
  EXPECT_EQ(client_.Request("POST", "/api/v1/auth/logout", "", wrong).status, 403);
  Headers right = cookie;
  right.emplace_back("X-CSRF-Token", csrf);
  EXPECT_EQ(client_.Request("POST", "/api/v1/auth/logout", "", right).status, 204);
}

TEST_F(AuthTest, ApiTokensAuthenticateByScopeAndStopWhenRevoked) {
  auto t = server_.app().auth().CreateApiToken(TenantScope(tenant_), "pbx", {"read"}, {});
  ASSERT_TRUE(t);
  auto me = Json(client_.Request("GET", "/api/v1/auth/me", "", Bearer(t->token)));
  EXPECT_EQ(me.at("token").at("name").as_string(), "pbx");
  EXPECT_TRUE(me.at("role").is_null());
  EXPECT_EQ(client_.Request("GET", "/api/v1/users", "", Bearer(t->token)).status, 200);
  EXPECT_EQ(
      client_
          .Request("POST", "/api/v1/sites", R"({"name":"x","time_zone":"UTC"})", Bearer(t->token))
          .status,
      403);
  ASSERT_TRUE(server_.app().auth().RevokeApiToken(TenantScope(tenant_), t->record.id, {}).ok());
  EXPECT_EQ(client_.Request("GET", "/api/v1/auth/me", "", Bearer(t->token)).status, 401);
}

TEST(LoginRateLimit, TooManyAttemptsFromOneAddressAre429) {
  TestServer server({.login_per_minute = 3, .login_burst = 3});
  HttpClient c = server.Client();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(
        c.Request("POST", "/api/v1/auth/login", LoginBody("x@y.test", "Nope-Nope-123")).status,
        401);
  }
  ClientResponse r =
      c.Request("POST", "/api/v1/auth/login", LoginBody("x@y.test", "Nope-Nope-123"));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(ErrorCode(r), "rate_limited");
  server.clock().Advance(std::chrono::seconds(20));  // one token back at 3 per minute
  EXPECT_EQ(c.Request("POST", "/api/v1/auth/login", LoginBody("x@y.test", "Nope-Nope-123")).status,
            401);
}

class BadInput : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    admin_ = Bearer(server_.Login(
        (server_.CreateUser(tenant_, "root@acme.test", Role::kAdmin), "root@acme.test")));
    admin_.emplace_back("Content-Type", "application/json");
  }
  std::map<std::string, std::string> FieldErrors(const ClientResponse& r) {
    std::map<std::string, std::string> out;
    const auto body = Json(r);
    for (const auto& f : body.at("error").at("field_errors").as_array())
      out.emplace(std::string(f.at("field").as_string()), std::string(f.at("code").as_string()));
    return out;
  }
  Headers admin_;
};

TEST_F(BadInput, MalformedJsonNamesLineAndColumn) {
  ClientResponse r =
      client_.Request("POST", "/api/v1/sites", "{\n  \"name\": \"x\",\n  oops\n}", admin_);
  EXPECT_EQ(r.status, 400);
  auto err = Json(r).at("error");
  EXPECT_EQ(err.at("code").as_string(), "validation_failed");
  EXPECT_EQ(err.at("field_errors").at(0).at("field").as_string(), "body");
  EXPECT_EQ(err.at("field_errors").at(0).at("code").as_string(), "malformed_json");
  EXPECT_NE(
      std::string(err.at("field_errors").at(0).at("message").as_string()).find("line 3, column 3"),
      std::string::npos)
      << err;
}

TEST_F(BadInput, EveryWrongFieldIsNamed) {
  const std::string long_name(300, 'x');
  ClientResponse r = client_.Request(
      "POST", "/api/v1/users",
      R"({"email":"not-an-email","name":")" + long_name +
          R"(","role":"emperor","team_id":"seven","colour":"red","password":"weak"})",
      admin_);
  EXPECT_EQ(r.status, 400);
  auto fields = FieldErrors(r);
  EXPECT_EQ(fields["name"], "too_long");
  EXPECT_EQ(fields["role"], "invalid");
  EXPECT_EQ(fields["team_id"], "wrong_type");
  EXPECT_EQ(fields["colour"], "unknown_field");
  EXPECT_EQ(fields["password"], "too_short");
  // Semantic checks run once the shape is right.
  ClientResponse email = client_.Request(
      "POST", "/api/v1/users", R"({"email":"not-an-email","name":"N","role":"agent"})", admin_);
  EXPECT_EQ(email.status, 400);
  EXPECT_EQ(FieldErrors(email)["email"], "invalid");
  ClientResponse missing = client_.Request("POST", "/api/v1/sites", "{}", admin_);
  EXPECT_EQ(FieldErrors(missing),
            (std::map<std::string, std::string>{{"name", "required"}, {"time_zone", "required"}}));
  ClientResponse zone = client_.Request("POST", "/api/v1/sites",
                                        R"({"name":"Mars","time_zone":"Mars/Olympus"})", admin_);
  EXPECT_EQ(FieldErrors(zone)["time_zone"], "invalid");
  // Nothing was written by any of them.
  auto users = Json(client_.Request("GET", "/api/v1/users", "", admin_));
  EXPECT_EQ(users.at("items").as_array().size(), 2u);
  auto sites = Json(client_.Request("GET", "/api/v1/sites", "", admin_));
  EXPECT_EQ(sites.at("items").as_array().size(), 0u);
}

TEST_F(BadInput, DuplicateEmailIsAConflict) {
  ClientResponse r =
      client_.Request("POST", "/api/v1/users",
                      R"({"email":"ANN@acme.test","name":"Ann 2","role":"agent"})", admin_);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(ErrorCode(r), "already_exists");
}

TEST_F(BadInput, UnknownRouteAndWrongMethodAnswerJson) {
  ClientResponse r = client_.Request("GET", "/api/v1/nothing-here", "", admin_);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ErrorCode(r), "not_found");
  EXPECT_TRUE(r.Header("x-request-id"));
  ClientResponse m = client_.Request("PUT", "/api/v1/sites", "{}", admin_);
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.Header("allow").value_or(""), "GET, POST");
}

TEST_F(BadInput, KeysetPagesWalkTheWholeList) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_EQ(client_
                  .Request("POST", "/api/v1/lobs", R"({"name":"LOB )" + std::to_string(i) + R"("})",
                           admin_)
                  .status,
              201);
  }
  std::vector<std::string> names;
  std::string cursor;
  int pages = 0;
  do {
    auto page = Json(client_.Request(
        "GET", "/api/v1/lobs?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor), "", admin_));
    for (const auto& l : page.at("items").as_array()) names.emplace_back(l.at("name").as_string());
    cursor =
        page.at("next_cursor").is_null() ? "" : std::string(page.at("next_cursor").as_string());
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(names.size(), 7u);
  EXPECT_EQ(names.front(), "LOB 0");
  EXPECT_EQ(names.back(), "LOB 6");
  EXPECT_EQ(client_.Request("GET", "/api/v1/lobs?limit=0", "", admin_).status, 400);
  EXPECT_EQ(client_.Request("GET", "/api/v1/lobs?limit=501", "", admin_).status, 400);
  EXPECT_EQ(client_.Request("GET", "/api/v1/lobs?cursor=garbage", "", admin_).status, 400);
}

TEST_F(BadInput, ChangesAreAuditedWithBeforeAndAfter) {
  ClientResponse created = client_.Request(
      "POST", "/api/v1/sites", R"({"name":"Berlin","time_zone":"Europe/Berlin"})", admin_);
  ASSERT_EQ(created.status, 201);
  const int64_t id = Json(created).at("id").as_int64();
  ASSERT_EQ(client_
                .Request("PATCH", "/api/v1/sites/" + std::to_string(id),
                         R"({"time_zone":"Europe/Lisbon"})", admin_)
                .status,
            200);
  auto log = Json(client_.Request("GET", "/api/v1/audit?object_type=site", "", admin_));
  const auto& items = log.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("action").as_string(), "site.update");  // newest first
  EXPECT_EQ(items[0].at("before").at("time_zone").as_string(), "Europe/Berlin");
  EXPECT_EQ(items[0].at("after").at("time_zone").as_string(), "Europe/Lisbon");
  EXPECT_EQ(items[0].at("request_id").as_string().size(), 32u);
  EXPECT_EQ(items[1].at("action").as_string(), "site.create");
  EXPECT_TRUE(items[1].at("before").is_null());
}

TEST_F(AuthTest, AuditChainVerifiesAndBreaksWhenARowIsEdited) {
  // Some history: a failed and a good sign-in, a logout.
  EXPECT_EQ(Login("Wrong-Password-1").status, 401);
  const std::string token = server_.Login("ann@acme.test");
  EXPECT_EQ(client_.Request("POST", "/api/v1/auth/logout", "", Bearer(token)).status, 204);
  auto v = server_.app().audit().Verify(server_.app().db(), TenantScope(tenant_));
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->intact);
  EXPECT_EQ(v->entries_checked, 5);  // tenant, user, failed login, login, logout

  // Edit entry 3 behind the application's back (drop the append-only trigger first,
  // as an attacker with file access could).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((server_.data_dir() / "callboard.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* err = nullptr;
  std::string sql;
  auto collect = [](void* out, int, char** values, char**) {
    *static_cast<std::string*>(out) += std::string("DROP TRIGGER \"") + values[0] + "\";";
    return 0;
  };
  ASSERT_EQ(sqlite3_exec(db,
                         "SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                         "tbl_name = 'audit_log'",
                         collect, &sql, &err),
            SQLITE_OK);
  sql += "UPDATE audit_log SET ip = '10.6.6.6' WHERE tenant_id = " + std::to_string(tenant_) +
         " AND seq = 3;";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_close(db);

  v = server_.app().audit().Verify(server_.app().db(), TenantScope(tenant_));
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->intact);
  EXPECT_EQ(v->broken_seq, 3);
  EXPECT_EQ(v->entries_checked, 2);
}

}  // namespace
}  // namespace callboard
