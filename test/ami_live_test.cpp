// Live operations over the Asterisk Manager Interface, on real sockets: an asterisk-ami source
// created through the API logs in to an AMI peer speaking like Asterisk, follows queue member
// and caller events into the live board (REST and WebSocket), tells the PBX of status changes
// (QueuePause) and lets a supervisor monitor a call (Originate of ChanSpy).

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "app/app.h"
#include "ingest/ami/ami_test_peer.h"
#include "ingest/sources/source_runner.h"
#include "kpi/kpi_store.h"
#include "org/org_service.h"
#include "store/transaction.h"
#include "test/support/test_server.h"
#include "test/support/ws_client.h"

namespace callboard {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using testing::AmiTestPeer;
using testing::AmiTestPeerOptions;
namespace json = boost::json;

constexpr auto kWait = std::chrono::seconds(5);
constexpr const char* kAnnInterface = "Local/a1002@agents/n";

// An AMI event message as Asterisk writes it.
std::string Event(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += k + ": " + v + "\r\n";
  return out + "\r\n";
}

std::string MemberEvent(const std::string& name, const std::string& interface, int status,
                        bool paused, const std::string& reason, bool in_call = false,
                        const std::string& queue = "support") {
  return Event({{"Event", name},
                {"Privilege", "agent,all"},
                {"Queue", queue},
                {"MemberName", interface},
                {"Interface", interface},
                {"StateInterface", interface},
                {"Membership", "static"},
                {"Penalty", "0"},
                {"CallsTaken", "0"},
                {"LastCall", "0"},
                {"LastPause", "0"},
                {"LoginTime", "1795340161"},
                {"InCall", in_call ? "1" : "0"},
                {"Status", std::to_string(status)},
                {"Paused", paused ? "1" : "0"},
                {"PausedReason", reason},
                {"Ringinuse", "0"},
                {"Wrapuptime", "0"}});
}

class AmiLive : public ::testing::Test {
 protected:
  explicit AmiLive(AmiTestPeerOptions peer_options = {}) : peer_(peer_options) {}

  void SetUp() override {
    tenant_ = server_.CreateTenant("acme");
    const Principal op = OperatorPrincipal(tenant_);
    OrgService& org = server_.app().org();
    const int64_t team = org.Create(op, Team{.name = "Blue"}, {})->id;
    const int64_t sup = server_.CreateUser(tenant_, "sup@acme.test", Role::kSupervisor, team);
    server_.CreateUser(tenant_, "admin@acme.test", Role::kAdmin);
    Team t = *org.Get<Team>(op, team);
    t.supervisor_ids = {sup};
    ASSERT_TRUE(org.Update(op, t, {}));
    ann_ =
        org.Create(op, Agent{.name = "Ann", .team_id = team, .pbx_ids = {kAnnInterface}}, {})->id;
    sup_h_ = Bearer(server_.Login("sup@acme.test"));
    admin_h_ = Bearer(server_.Login("admin@acme.test"));
  }

  ClientResponse Request(const std::string& method, const std::string& target,
                         const std::string& body, Headers who) {
    if (!body.empty()) who.emplace_back("Content-Type", "application/json");
    return client_.Request(method, target, body, who);
  }

  // Creates the asterisk-ami source through the API; returns its id.
  int64_t CreateSource(const std::string& secret = "cbsecret") {
    ClientResponse r =
        Request("POST", "/api/v1/sources",
                R"({"name":"asterisk","kind":"asterisk-ami","host":"127.0.0.1","port":)" +
                    std::to_string(peer_.port()) + R"(,"username":"cb","secret":")" + secret +
                    R"(","channel_template":"PJSIP/{ext}"})",
                admin_h_);
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r).at("id").as_int64();
  }

  json::object Source(int64_t id) {
    ClientResponse r = Request("GET", "/api/v1/sources/" + std::to_string(id), "", admin_h_);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r).as_object();
  }

  // Waits until the source reports `state`.
  bool WaitForSourceState(int64_t id, const std::string& state) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Source(id).at("status").at("state").as_string() == state) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // Ann as GET /api/v1/live shows her, once `ready` holds (or after kWait).
  json::object WaitForAnn(const std::function<bool(const json::object&)>& ready) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    json::object ann;
    while (std::chrono::steady_clock::now() < deadline) {
      ClientResponse r = Request("GET", "/api/v1/live", "", sup_h_);
      EXPECT_EQ(r.status, 200) << r.body;
      const json::value body = Json(r);
      for (const auto& a : body.at("agents").as_array()) {
        if (a.at("id").as_int64() == ann_) ann = a.as_object();
      }
      if (ready(ann)) return ann;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return ann;
  }

  static bool StateIs(const json::object& a, const std::string& state) {
    return a.contains("state") && a.at("state").as_string() == state;
  }

  // Connects and logs in: the source is running and the peer saw its Login.
  void Connect() {
    source_ = CreateSource();
    ASSERT_TRUE(peer_.WaitForActions("Login", 1));
    ASSERT_TRUE(WaitForSourceState(source_, "connected"));
  }

  AmiTestPeer peer_;
  TestServer server_;
  HttpClient client_ = server_.Client();
  int64_t tenant_ = 0, ann_ = 0, source_ = 0;
  Headers sup_h_, admin_h_;
};

TEST_F(AmiLive, TheSourceLogsInWithTheExactLoginAndNeverShowsItsSecret) {
  Connect();
  const std::string login = peer_.actions("Login")[0].raw;
  const std::string action_id(peer_.actions("Login")[0].message.Value("ActionID"));
  EXPECT_EQ(login, "Action: Login\r\nUsername: cb\r\nSecret: cbsecret\r\nEvents: on\r\nActionID: " +
                       action_id + "\r\n\r\n");
  // Then the members' current states.
  ASSERT_TRUE(peer_.WaitForActions("QueueStatus", 1));
  const json::object s = Source(source_);
  EXPECT_EQ(s.at("kind").as_string(), "asterisk-ami");
  EXPECT_EQ(s.at("format").as_string(), "asterisk-queue-log");
  EXPECT_EQ(s.at("username").as_string(), "cb");
  EXPECT_EQ(s.at("secret_set").as_bool(), true);
  EXPECT_EQ(s.at("channel_template").as_string(), "PJSIP/{ext}");
  EXPECT_EQ(s.at("status").at("connected").as_bool(), true);
  EXPECT_NE(s.at("status").at("detail").as_string().find("logins 1"), std::string::npos)
      << s.at("status").at("detail");
  ClientResponse list = Request("GET", "/api/v1/sources", "", admin_h_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find("cbsecret"), std::string::npos) << list.body;
  EXPECT_EQ(Request("GET", "/api/v1/sources/" + std::to_string(source_), "", admin_h_)
                .body.find("cbsecret"),
            std::string::npos);

  // An update without a secret keeps it: the restarted source logs in again with it.
  server_.clock().Advance(std::chrono::seconds(1));  // a new updated_at restarts the source
  ClientResponse patched = Request("PATCH", "/api/v1/sources/" + std::to_string(source_),
                                   R"({"channel_template":"SIP/{ext}"})", admin_h_);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.body.find("cbsecret"), std::string::npos);
  ASSERT_TRUE(peer_.WaitForActions("Login", 2));
  EXPECT_EQ(peer_.actions("Login")[1].message.Value("Secret"), "cbsecret");
}

TEST_F(AmiLive, ASourceWithoutSecretOrUsernameIsRefusedNamingTheFields) {
  ClientResponse r =
      Request("POST", "/api/v1/sources",
              R"({"name":"asterisk","kind":"asterisk-ami","host":"pbx.local"})", admin_h_);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("\"username\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"secret\""), std::string::npos) << r.body;
}

TEST_F(AmiLive, MemberEventsDriveTheLiveBoardAndTheSocket) {
  Connect();
  WsClient ws;
  ASSERT_TRUE(ws.Connect(server_.port(), "/api/v1/live/ws", sup_h_).ok());
  ASSERT_TRUE(ws.Next(kWait).has_value());  // the snapshot

  // As in the captured session: Local/a1002@agents/n paused for Lunch.
  peer_.Send(MemberEvent("QueueMemberPause", kAnnInterface, 1, true, "Lunch"));
  json::object ann = WaitForAnn([](const json::object& a) { return StateIs(a, "paused"); });
  EXPECT_EQ(ann.at("state").as_string(), "paused");
  EXPECT_EQ(ann.at("reason").as_string(), "Lunch");

  // The WebSocket got the delta.
  bool delta = false;
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!delta && std::chrono::steady_clock::now() < deadline) {
    auto text = ws.Next(std::chrono::milliseconds(200));
    if (!text) continue;
    json::object m = json::parse(*text).as_object();
    if (m.at("type").as_string() != "deltas") continue;
    for (const auto& item : m.at("items").as_array()) {
      const json::object& o = item.as_object();
      if (o.at("type").as_string() == "agent" && o.at("agent").at("id").as_int64() == ann_ &&
          o.at("agent").at("state").as_string() == "paused") {
        EXPECT_EQ(o.at("agent").at("reason").as_string(), "Lunch");
        delta = true;
      }
    }
  }
  EXPECT_TRUE(delta);

  peer_.Send(MemberEvent("QueueMemberPause", kAnnInterface, 1, false, ""));
  ann = WaitForAnn([](const json::object& a) { return StateIs(a, "available"); });
  EXPECT_EQ(ann.at("state").as_string(), "available");
  EXPECT_EQ(ann.at("reason").as_string(), "");

  // A caller joins support and is connected to Ann: she is on a call with that caller.
  peer_.Send(Event({{"Event", "QueueCallerJoin"},
                    {"Channel", "PJSIP/trunk-00000001"},
                    {"CallerIDNum", "5551234"},
                    {"Uniqueid", "1795340200.10"},
                    {"Queue", "support"},
                    {"Position", "1"},
                    {"Count", "1"}}));
  peer_.Send(Event({{"Event", "QueueCallerLeave"},
                    {"Channel", "PJSIP/trunk-00000001"},
                    {"CallerIDNum", "5551234"},
                    {"Uniqueid", "1795340200.10"},
                    {"Queue", "support"},
                    {"Position", "1"},
                    {"Count", "0"}}));
  peer_.Send(Event({{"Event", "AgentConnect"},
                    {"Channel", "PJSIP/trunk-00000001"},
                    {"CallerIDNum", "5551234"},
                    {"Uniqueid", "1795340200.10"},
                    {"DestChannel", "Local/a1002@agents-00000002;1"},
                    {"DestUniqueid", "1795340201.12"},
                    {"Queue", "support"},
                    {"Interface", kAnnInterface},
                    {"MemberName", kAnnInterface},
                    {"HoldTime", "7"},
                    {"RingTime", "3"}}));
  peer_.Send(MemberEvent("QueueMemberStatus", kAnnInterface, 2, false, "", true));
  ann = WaitForAnn([](const json::object& a) {
    return StateIs(a, "on_call") && a.contains("call") && a.at("call").is_object();
  });
  EXPECT_EQ(ann.at("state").as_string(), "on_call");
  ASSERT_TRUE(ann.at("call").is_object()) << json::serialize(ann);
  EXPECT_EQ(ann.at("call").at("call_id").as_string(), "1795340200.10");
  EXPECT_EQ(ann.at("call").at("caller").as_string(), "5551234");

  // Removed from the queue: logged out.
  peer_.Send(MemberEvent("QueueMemberRemoved", kAnnInterface, 1, false, ""));
  ann = WaitForAnn([](const json::object& a) { return StateIs(a, "logged_out"); });
  EXPECT_EQ(ann.at("state").as_string(), "logged_out");
  EXPECT_GE(Source(source_).at("status").at("lines").as_int64(), 6);
}

TEST_F(AmiLive, StatusChangesInCallboardPauseAndUnpauseTheQueueMember) {
  Connect();
  ClientResponse r =
      Request("PUT", "/api/v1/agents/" + std::to_string(ann_) + "/status",
              R"({"state":"paused","reason":"Lunch","override_reason":"break"})", sup_h_);
  ASSERT_EQ(r.status, 204) << r.body;
  ASSERT_TRUE(peer_.WaitForActions("QueuePause", 1));
  AmiMessage pause = peer_.actions("QueuePause")[0].message;
  EXPECT_EQ(pause.Value("Interface"), kAnnInterface);
  EXPECT_EQ(pause.Value("Paused"), "true");
  EXPECT_EQ(pause.Value("Reason"), "Lunch");
  EXPECT_FALSE(pause.Get("Queue").has_value());

  r = Request("PUT", "/api/v1/agents/" + std::to_string(ann_) + "/status",
              R"({"state":"available","override_reason":"back"})", sup_h_);
  ASSERT_EQ(r.status, 204) << r.body;
  ASSERT_TRUE(peer_.WaitForActions("QueuePause", 2));
  AmiMessage unpause = peer_.actions("QueuePause")[1].message;
  EXPECT_EQ(unpause.Value("Interface"), kAnnInterface);
  EXPECT_EQ(unpause.Value("Paused"), "false");

  // Logged out: queue membership is the PBX's configuration; nothing is sent.
  r = Request("PUT", "/api/v1/agents/" + std::to_string(ann_) + "/status",
              R"({"state":"logged_out","override_reason":"gone"})", sup_h_);
  ASSERT_EQ(r.status, 204) << r.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(peer_.actions("QueuePause").size(), 2u);
}

TEST_F(AmiLive, SupervisorsMoveAgentsBetweenQueuesAtThePbx) {
  Connect();
  int64_t support = 0, sales = 0, beta_queue = 0;
  ASSERT_TRUE(server_.app()
                  .db()
                  .Write([&](Transaction& tx) -> Status {
                    const TimePoint now = server_.clock().Now();
                    support = tx.Kpi().EnsureQueue(TenantScope(tenant_), "support", now)->id;
                    sales = tx.Kpi().EnsureQueue(TenantScope(tenant_), "sales", now)->id;
                    return Status::Ok();
                  })
                  .ok());
  const int64_t beta = server_.CreateTenant("beta");
  ASSERT_TRUE(server_.app()
                  .db()
                  .Write([&](Transaction& tx) -> Status {
                    beta_queue =
                        tx.Kpi().EnsureQueue(TenantScope(beta), "sales", server_.clock().Now())->id;
                    return Status::Ok();
                  })
                  .ok());
  const std::string ann_queues = "/api/v1/agents/" + std::to_string(ann_) + "/queues/";

  ClientResponse r = Request("PUT", ann_queues + std::to_string(sales), R"({"penalty":2})", sup_h_);
  ASSERT_EQ(r.status, 204) << r.body;
  ASSERT_TRUE(peer_.WaitForActions("QueueAdd", 1));
  const testing::AmiReceivedAction add = peer_.actions("QueueAdd")[0];
  EXPECT_EQ(add.raw,
            "Action: QueueAdd\r\nQueue: sales\r\nInterface: Local/a1002@agents/n\r\nPenalty: 2\r\n"
            "Paused: false\r\nMemberName: Ann\r\nActionID: " +
                std::string(add.message.Value("ActionID")) + "\r\n\r\n");
  // Asked again, the PBX refuses with its own message.
  r = Request("PUT", ann_queues + std::to_string(sales), "", sup_h_);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("Already there"), std::string::npos) << r.body;
  // Bad input and other tenants' queues.
  r = Request("PUT", ann_queues + std::to_string(sales), R"({"penalty":5000})", sup_h_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("\"penalty\""), std::string::npos) << r.body;
  EXPECT_EQ(Request("PUT", ann_queues + std::to_string(beta_queue), "", sup_h_).status, 404);
  EXPECT_EQ(Request("DELETE", ann_queues + std::to_string(beta_queue), "", sup_h_).status, 404);

  // Asterisk then tells the new membership. Removed from support while in sales, Ann stays
  // logged in; a caller joining support afterwards shows the removal was followed.
  peer_.Send(MemberEvent("QueueMemberAdded", kAnnInterface, 1, false, "", false, "sales"));
  WaitForAnn([](const json::object& a) { return StateIs(a, "available"); });
  peer_.Send(MemberEvent("QueueMemberRemoved", kAnnInterface, 1, false, "", false, "support"));
  peer_.Send(Event({{"Event", "QueueCallerJoin"},
                    {"Channel", "PJSIP/trunk-00000009"},
                    {"CallerIDNum", "5559999"},
                    {"Uniqueid", "1795340300.1"},
                    {"Queue", "support"},
                    {"Position", "1"},
                    {"Count", "1"}}));
  bool joined = false;
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!joined && std::chrono::steady_clock::now() < deadline) {
    const json::value live = Json(Request("GET", "/api/v1/live", "", sup_h_));
    for (const auto& q : live.at("queues").as_array()) {
      if (q.at("id").as_int64() == support && !q.at("waiting").as_array().empty()) joined = true;
    }
    if (!joined) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(joined);
  EXPECT_EQ(WaitForAnn([](const json::object&) { return true; }).at("state").as_string(),
            "available");

  r = Request("DELETE", ann_queues + std::to_string(sales), "", sup_h_);
  ASSERT_EQ(r.status, 204) << r.body;
  ASSERT_TRUE(peer_.WaitForActions("QueueRemove", 1));
  const testing::AmiReceivedAction remove = peer_.actions("QueueRemove")[0];
  EXPECT_EQ(remove.raw,
            "Action: QueueRemove\r\nQueue: sales\r\nInterface: Local/a1002@agents/n\r\n"
            "ActionID: " +
                std::string(remove.message.Value("ActionID")) + "\r\n\r\n");
  // Out of her last queue: logged out.
  peer_.Send(MemberEvent("QueueMemberRemoved", kAnnInterface, 1, false, "", false, "sales"));
  EXPECT_EQ(WaitForAnn([](const json::object& a) { return StateIs(a, "logged_out"); })
                .at("state")
                .as_string(),
            "logged_out");

  // Every attempt is audited, the refused one too.
  ClientResponse audit = Request("GET", "/api/v1/audit?action=agent.queue_add", "", admin_h_);
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_EQ(Json(audit).at("items").as_array().size(), 2u) << audit.body;
  audit = Request("GET", "/api/v1/audit?action=agent.queue_remove", "", admin_h_);
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_EQ(Json(audit).at("items").as_array().size(), 1u) << audit.body;
  EXPECT_NE(audit.body.find("sales"), std::string::npos) << audit.body;
}

TEST_F(AmiLive, EachMonitorModeOriginatesChanSpyOnTheSupervisorsPhone) {
  Connect();
  struct Case {
    std::string mode;
    std::string options;
  };
  const Case cases[] = {{"listen", "qES"}, {"whisper", "qwES"}, {"barge", "qBES"}};
  size_t n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.mode);
    ClientResponse r =
        Request("POST", "/api/v1/agents/" + std::to_string(ann_) + "/monitor",
                R"({"mode":")" + c.mode + R"(","supervisor_extension":"2001"})", sup_h_);
    ASSERT_EQ(r.status, 204) << r.body;
    ASSERT_TRUE(peer_.WaitForActions("Originate", ++n));
    const testing::AmiReceivedAction got = peer_.actions("Originate")[n - 1];
    const std::string id(got.message.Value("ActionID"));
    EXPECT_EQ(got.raw,
              "Action: Originate\r\nChannel: PJSIP/2001\r\nApplication: ChanSpy\r\n"
              "Data: Local/a1002@agents/n," +
                  c.options + "\r\nAsync: true\r\nCallerID: Callboard <monitor>\r\nActionID: " +
                  id + "\r\n\r\n");
  }
  // Audited with mode and extension.
  ClientResponse audit = Request("GET", "/api/v1/audit?action=agent.monitor", "", admin_h_);
  ASSERT_EQ(audit.status, 200) << audit.body;
  const json::array entries = Json(audit).at("items").as_array();
  ASSERT_EQ(entries.size(), 3u) << audit.body;
  EXPECT_NE(audit.body.find("barge"), std::string::npos) << audit.body;
  EXPECT_NE(audit.body.find("2001"), std::string::npos) << audit.body;

  // Bad input names the field.
  ClientResponse bad = Request("POST", "/api/v1/agents/" + std::to_string(ann_) + "/monitor",
                               R"({"mode":"spy","supervisor_extension":"2001"})", sup_h_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"mode\""), std::string::npos) << bad.body;
}

TEST_F(AmiLive, MonitorWithoutARunningLinkIsUnavailable) {
  ClientResponse r = Request("POST", "/api/v1/agents/" + std::to_string(ann_) + "/monitor",
                             R"({"mode":"listen","supervisor_extension":"2001"})", sup_h_);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(peer_.actions("Originate").size(), 0u);
}

class AmiLiveSilentPause : public AmiLive {
 protected:
  AmiLiveSilentPause() : AmiLive(AmiTestPeerOptions{.silent_actions = {"QueuePause"}}) {}
};

TEST_F(AmiLiveSilentPause, AStatusChangeDoesNotWaitForAPbxThatNeverAnswers) {
  Connect();
  // The PBX would be waited for up to its 10 s action timeout; the request is answered at
  // once, long before this client gives up.
  client_.set_timeout(std::chrono::seconds(3));
  ClientResponse r =
      Request("PUT", "/api/v1/agents/" + std::to_string(ann_) + "/status",
              R"({"state":"paused","reason":"Lunch","override_reason":"break"})", sup_h_);
  ASSERT_EQ(r.status, 204) << r.body;
  r = Request("PUT", "/api/v1/agents/" + std::to_string(ann_) + "/status",
              R"({"state":"available","override_reason":"back"})", sup_h_);
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(WaitForAnn([](const json::object& a) { return StateIs(a, "available"); })
                .at("state")
                .as_string(),
            "available");
  // The PBX was asked, in order; the second request waits behind the unanswered first.
  ASSERT_TRUE(peer_.WaitForActions("QueuePause", 1));
  EXPECT_EQ(peer_.actions("QueuePause")[0].message.Value("Paused"), "true");
}

class AmiLiveRefused : public AmiLive {
 protected:
  AmiLiveRefused() : AmiLive(AmiTestPeerOptions{.reject_logins = 100}) {}
};

TEST_F(AmiLiveRefused, ALoginFailureShowsInTheSourceStatus) {
  source_ = CreateSource();
  ASSERT_TRUE(peer_.WaitForActions("Login", 1));
  ASSERT_TRUE(WaitForSourceState(source_, "error"));
  const json::object status = Source(source_).at("status").as_object();
  EXPECT_EQ(status.at("connected").as_bool(), false);
  ASSERT_TRUE(status.at("last_error").is_string());
  EXPECT_NE(status.at("last_error").as_string().find("Authentication failed"), std::string::npos)
      << status.at("last_error");
  // Monitoring needs a connected link: the PBX is not reachable.
  ClientResponse r = Request("POST", "/api/v1/agents/" + std::to_string(ann_) + "/monitor",
                             R"({"mode":"listen","supervisor_extension":"2001"})", sup_h_);
  EXPECT_EQ(r.status, 503) << r.body;
}

}  // namespace
}  // namespace callboard
