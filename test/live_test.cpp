// Live operations over the real server: agent status (own, override, scope), pause reasons,
// alerts raised and cleared on an injected clock, ingest reaching WebSocket clients, role-
// filtered push, resume after reconnect and a slow consumer's resync.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <sstream>

#include "app/app.h"
#include "ingest/importer.h"
#include "kpi/kpi_store.h"
#include "live/live_service.h"
#include "org/org_service.h"
#include "store/transaction.h"
#include "test/support/test_server.h"
#include "test/support/ws_client.h"

namespace callboard {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
namespace json = boost::json;

constexpr auto kWait = std::chrono::seconds(3);

// 2026-11-22T09:00:00Z, the test server's clock, as epoch seconds.
constexpr int64_t kNine = 1795338000;

class Live : public ::testing::Test {
 protected:
  Live() = default;
  explicit Live(TestServerOptions options) : server_(options) {}

  void SetUp() override {
    tenant_ = server_.CreateTenant("acme");
    const Principal op = OperatorPrincipal(tenant_);
    OrgService& org = server_.app().org();
    blue_ = org.Create(op, Team{.name = "Blue"}, {})->id;
    red_ = org.Create(op, Team{.name = "Red"}, {})->id;
    const int64_t ann_user = server_.CreateUser(tenant_, "ann@acme.test", Role::kAgent, blue_);
    const int64_t bob_user = server_.CreateUser(tenant_, "bob@acme.test", Role::kAgent, blue_);
    const int64_t blue_sup =
        server_.CreateUser(tenant_, "blue@acme.test", Role::kSupervisor, blue_);
    const int64_t red_sup = server_.CreateUser(tenant_, "red@acme.test", Role::kSupervisor, red_);
    server_.CreateUser(tenant_, "manager@acme.test", Role::kManager);
    for (auto [team, sup] : {std::pair(blue_, blue_sup), std::pair(red_, red_sup)}) {
      Team t = *org.Get<Team>(op, team);
      t.supervisor_ids = {sup};
      ASSERT_TRUE(org.Update(op, t, {}));
    }
    ann_ =
        org.Create(
               op,
               Agent{.name = "Ann", .user_id = ann_user, .team_id = blue_, .pbx_ids = {"SIP/1001"}},
               {})
            ->id;
    bob_ =
        org.Create(
               op,
               Agent{.name = "Bob", .user_id = bob_user, .team_id = blue_, .pbx_ids = {"SIP/1002"}},
               {})
            ->id;
    cid_ = org.Create(op, Agent{.name = "Cid", .team_id = red_, .pbx_ids = {"SIP/1003"}}, {})->id;
    ann_token_ = server_.Login("ann@acme.test");
    ann_h_ = Bearer(ann_token_);
    bob_h_ = Bearer(server_.Login("bob@acme.test"));
    blue_h_ = Bearer(server_.Login("blue@acme.test"));
    red_h_ = Bearer(server_.Login("red@acme.test"));
    manager_h_ = Bearer(server_.Login("manager@acme.test"));
  }

  ClientResponse SetStatus(int64_t agent, const std::string& body, Headers who) {
    who.emplace_back("Content-Type", "application/json");
    return client_.Request("PUT", "/api/v1/agents/" + std::to_string(agent) + "/status", body, who);
  }

  json::value Get(const std::string& target, const Headers& who) {
    ClientResponse r = client_.Request("GET", target, "", who);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return Json(r);
  }

  // Connects a WebSocket as `who`; returns its first message (the snapshot) parsed.
  json::object Open(WsClient& ws, const Headers& who, const std::string& query = "") {
    Status s = ws.Connect(server_.port(), "/api/v1/live/ws" + query, who);
    EXPECT_TRUE(s.ok()) << s.ToString();
    auto first = ws.Next(kWait);
    EXPECT_TRUE(first.has_value());
    return first ? json::parse(*first).as_object() : json::object{};
  }

  // The items of the next "deltas" messages until one about `type` (and agent `agent_id`,
  // when given) arrives; fails after kWait.
  json::object NextItem(WsClient& ws, const std::string& type, std::optional<int64_t> agent_id) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      auto text = ws.Next(std::chrono::milliseconds(200));
      if (!text) continue;
      json::object m = json::parse(*text).as_object();
      if (m.at("type").as_string() != "deltas") continue;
      for (const auto& item : m.at("items").as_array()) {
        const json::object& o = item.as_object();
        if (o.at("type").as_string() != type) continue;
        if (agent_id && o.at("agent").at("id").as_int64() != *agent_id) continue;
        return o;
      }
    }
    ADD_FAILURE() << "no " << type << " item";
    return {};
  }

  // Agent ids in a snapshot.
  static std::set<int64_t> AgentIds(const json::object& snapshot) {
    std::set<int64_t> ids;
    for (const auto& a : snapshot.at("agents").as_array()) ids.insert(a.at("id").as_int64());
    return ids;
  }

  void Ingest(const std::string& lines, const std::string& stream) {
    std::istringstream in(lines);
    auto r = server_.app().importer().Import(TenantScope(tenant_),
                                             ImportOptions{.source_name = "pbx"}, in, stream);
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
  }

  TestServer server_;
  HttpClient client_ = server_.Client();
  int64_t tenant_ = 0, blue_ = 0, red_ = 0, ann_ = 0, bob_ = 0, cid_ = 0;
  std::string ann_token_;
  Headers ann_h_, bob_h_, blue_h_, red_h_, manager_h_;
};

TEST_F(Live, AnAgentsPauseReachesTheSupervisorsSocketWithReasonAndTimer) {
  WsClient sup;
  json::object snapshot = Open(sup, blue_h_);
  EXPECT_EQ(snapshot.at("type").as_string(), "snapshot");
  EXPECT_EQ(AgentIds(snapshot), (std::set<int64_t>{ann_, bob_}));  // the Blue team only

  server_.clock().Advance(std::chrono::seconds(30));
  ClientResponse r = SetStatus(ann_, R"({"state":"paused","reason":"Lunch"})", ann_h_);
  ASSERT_EQ(r.status, 204) << r.body;
  json::object item = NextItem(sup, "agent", ann_);
  const json::object& agent = item.at("agent").as_object();
  EXPECT_EQ(agent.at("state").as_string(), "paused");
  EXPECT_EQ(agent.at("reason").as_string(), "Lunch");
  EXPECT_EQ(agent.at("since").as_string(), "2026-11-22T09:00:30.000Z");
  EXPECT_GT(item.at("seq").as_int64(), snapshot.at("seq").as_int64());

  // The snapshot over HTTP agrees.
  auto live = Get("/api/v1/live", blue_h_);
  for (const auto& a : live.at("agents").as_array()) {
    if (a.at("id").as_int64() == ann_) {
      EXPECT_EQ(a.at("state").as_string(), "paused");
    }
  }
}

TEST_F(Live, OverridesNeedTheRightAReasonAndScopeAndAreAudited) {
  // An agent cannot change another agent's status, whatever the id.
  EXPECT_EQ(SetStatus(bob_, R"({"state":"paused","reason":"Lunch"})", ann_h_).status, 403);
  EXPECT_EQ(SetStatus(cid_, R"({"state":"paused","reason":"Lunch"})", ann_h_).status, 403);
  // A supervisor must say why; an unknown pause reason is refused.
  ClientResponse no_reason = SetStatus(ann_, R"({"state":"available"})", blue_h_);
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(Json(no_reason).at("error").at("field_errors").at(0).at("field").as_string(),
            "override_reason");
  EXPECT_EQ(
      SetStatus(ann_, R"({"state":"paused","reason":"Nap","override_reason":"x"})", blue_h_).status,
      400);
  // Another team's agent does not exist for this supervisor.
  EXPECT_EQ(SetStatus(cid_, R"({"state":"available","override_reason":"x"})", blue_h_).status, 404);
  EXPECT_EQ(SetStatus(ann_, R"({"state":"available","override_reason":"x"})", red_h_).status, 404);
  EXPECT_FALSE(AgentIds(Get("/api/v1/live", red_h_).as_object()).contains(ann_));

  ClientResponse ok = SetStatus(
      ann_, R"({"state":"paused","reason":"Meeting","override_reason":"team huddle"})", blue_h_);
  ASSERT_EQ(ok.status, 204) << ok.body;
  server_.CreateUser(tenant_, "admin@acme.test", Role::kAdmin);
  auto log =
      Get("/api/v1/audit?action=agent.status_override", Bearer(server_.Login("admin@acme.test")));
  ASSERT_EQ(log.at("items").as_array().size(), 1u);
  const auto& entry = log.at("items").at(0);
  EXPECT_EQ(entry.at("object_id").as_int64(), ann_);
  const auto& after = entry.at("after");
  EXPECT_EQ(after.at("override_reason").as_string(), "team huddle");
  EXPECT_EQ(after.at("reason").as_string(), "Meeting");
}

TEST_F(Live, APauseLongerThanItsMaximumRaisesAnAlertThatIsPushedListedAndAcknowledged) {
  WsClient sup;
  Open(sup, blue_h_);
  ASSERT_EQ(SetStatus(ann_, R"({"state":"paused","reason":"Smoke"})", ann_h_).status, 204);
  LiveService& live = server_.app().live();
  server_.clock().Advance(std::chrono::minutes(15));
  live.Tick();  // exactly the maximum (15 min): no alert yet
  EXPECT_TRUE(Get("/api/v1/alerts?open=true", blue_h_).at("items").as_array().empty());
  server_.clock().Advance(std::chrono::seconds(61));
  live.Tick();
  json::object pushed = NextItem(sup, "alert", std::nullopt);
  EXPECT_EQ(pushed.at("alert").at("kind").as_string(), "pause_overrun");
  EXPECT_EQ(pushed.at("alert").at("subject").at("id").as_int64(), ann_);
  EXPECT_EQ(pushed.at("alert").at("detail").as_string(),
            "paused for Smoke 16 min 1 s (maximum 15 min)");

  auto open = Get("/api/v1/alerts?open=true", blue_h_).at("items").as_array();
  ASSERT_EQ(open.size(), 1u);
  const int64_t id = open[0].at("id").as_int64();
  // The Red supervisor does not see the Blue agent's alert.
  EXPECT_TRUE(Get("/api/v1/alerts?open=true", red_h_).at("items").as_array().empty());
  EXPECT_EQ(
      client_.Request("POST", "/api/v1/alerts/" + std::to_string(id) + "/ack", "", red_h_).status,
      404);
  ClientResponse ack =
      client_.Request("POST", "/api/v1/alerts/" + std::to_string(id) + "/ack", "", blue_h_);
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(Json(ack).at("acked_at").as_string(), "2026-11-22T09:16:01.000Z");
  json::object acked = NextItem(sup, "alert", std::nullopt);
  EXPECT_FALSE(acked.at("alert").at("acked_at").is_null());

  // Back to work: the alert ends.
  ASSERT_EQ(SetStatus(ann_, R"({"state":"available"})", ann_h_).status, 204);
  json::object ended = NextItem(sup, "alert", std::nullopt);
  EXPECT_EQ(ended.at("alert").at("ended_at").as_string(), "2026-11-22T09:16:01.000Z");
  EXPECT_TRUE(Get("/api/v1/alerts?open=true", blue_h_).at("items").as_array().empty());
  EXPECT_EQ(Get("/api/v1/alerts", blue_h_).at("items").as_array().size(), 1u);
}

TEST_F(Live, IngestedEventsMoveQueuesAndAgentsAndAnAgentSeesOnlyTotals) {
  WsClient sup, ann;
  Open(sup, blue_h_);
  json::object ann_snapshot = Open(ann, ann_h_);
  EXPECT_EQ(AgentIds(ann_snapshot), (std::set<int64_t>{ann_}));
  EXPECT_TRUE(ann_snapshot.at("alerts").as_array().empty());

  const std::string t0 = std::to_string(kNine - 20);
  const std::string t1 = std::to_string(kNine - 5);
  Ingest(t0 + "|c1|support|NONE|ENTERQUEUE||+15550000001|1\n", "one");
  json::object queued = NextItem(sup, "queue", std::nullopt);
  EXPECT_EQ(queued.at("queue").at("name").as_string(), "support");
  EXPECT_EQ(queued.at("queue").at("waiting_count").as_int64(), 1);
  EXPECT_EQ(queued.at("queue").at("waiting").at(0).at("caller").as_string(), "+15550000001");
  EXPECT_EQ(queued.at("queue").at("longest_wait_s").to_number<double>(), 20.0);
  // The agent sees the queue's totals but not who is calling.
  json::object seen_by_agent = NextItem(ann, "queue", std::nullopt);
  EXPECT_EQ(seen_by_agent.at("queue").at("waiting_count").as_int64(), 1);
  EXPECT_EQ(seen_by_agent.at("queue").at("waiting").at(0).at("caller").as_string(), "");

  // Bob (SIP/1002) answers: the supervisor sees Bob on the call; Ann's socket never gets
  // Bob's call detail.
  Ingest(t0 + "|c1|support|NONE|ENTERQUEUE||+15550000001|1\n" + t1 +
             "|c1|support|SIP/1002|CONNECT|15|c1.2|3\n",
         "one");
  json::object bob = NextItem(sup, "agent", bob_);
  EXPECT_EQ(bob.at("agent").at("state").as_string(), "on_call");
  EXPECT_EQ(bob.at("agent").at("call").at("caller").as_string(), "+15550000001");
  EXPECT_EQ(bob.at("agent").at("call").at("queue").as_string(), "support");
  while (auto text = ann.Next(std::chrono::milliseconds(300))) {
    EXPECT_EQ(text->find("\"id\":" + std::to_string(bob_) + ",\"name\""), std::string::npos)
        << *text;
  }
}

TEST_F(Live, ACompressingClientGetsTheSameMessagesAsRawDeflate) {
  WsClient plain, packed;
  const json::object snapshot = Open(plain, blue_h_);
  const json::object packed_snapshot = Open(packed, blue_h_, "?compress=deflate-raw");
  EXPECT_EQ(packed_snapshot, snapshot);
  // Two agents and no queue yet: under 512 bytes, so text.
  EXPECT_LT(json::serialize(snapshot).size(), 512u);
  EXPECT_EQ(packed.binary_messages(), 0);

  // A batch of callers makes a delta message large enough to be compressed; both clients
  // read the same JSON.
  std::string lines;
  for (int i = 0; i < 20; ++i) {
    lines += std::to_string(kNine - 30 + i) + "|c" + std::to_string(i) +
             "|support|NONE|ENTERQUEUE||+1555000" + std::to_string(1000 + i) + "|" +
             std::to_string(i + 1) + "\n";
  }
  Ingest(lines, "packed");
  const json::object a = NextItem(plain, "queue", std::nullopt);
  const json::object b = NextItem(packed, "queue", std::nullopt);
  EXPECT_EQ(a, b);
  EXPECT_EQ(b.at("queue").at("waiting_count").as_int64(), 20);
  EXPECT_EQ(b.at("queue").at("waiting").at(19).at("caller").as_string(), "+15550001019");
  EXPECT_EQ(packed.binary_messages(), 1);

  // Small messages stay text: a pause is one agent item.
  ASSERT_EQ(SetStatus(ann_, R"({"state":"paused","reason":"Lunch"})", ann_h_).status, 204);
  EXPECT_EQ(NextItem(packed, "agent", ann_).at("agent").at("state").as_string(), "paused");
  EXPECT_EQ(packed.binary_messages(), 1);

  // Only raw DEFLATE is offered.
  WsClient other;
  Status refused = other.Connect(server_.port(), "/api/v1/live/ws?compress=gzip", blue_h_);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.ToString().find("400"), std::string::npos) << refused.ToString();
}

TEST(LiveMessage, RawDeflateRoundTripsAndRefusesOtherBytes) {
  const std::string text = R"({"type":"deltas","items":[)" + std::string(2000, ' ') + "]}";
  const LiveMessage m(text);
  EXPECT_LT(m.deflated()->size(), text.size() / 10);
  EXPECT_EQ(m.deflated().get(), m.deflated().get());  // made once
  EXPECT_EQ(InflateRaw(*m.deflated()), text);
  EXPECT_EQ(InflateRaw("not deflate at all"), std::nullopt);
  EXPECT_EQ(InflateRaw(*m.deflated(), 100), std::nullopt);  // over the limit
}

TEST_F(Live, AReconnectingClientResumesFromItsLastSequenceNumber) {
  int64_t last = 0;
  {
    WsClient first;
    last = Open(first, blue_h_).at("seq").as_int64();
    first.Close();
  }
  ASSERT_EQ(SetStatus(ann_, R"({"state":"paused","reason":"Training"})", ann_h_).status, 204);
  WsClient again;
  ASSERT_TRUE(
      again.Connect(server_.port(), "/api/v1/live/ws?after=" + std::to_string(last), blue_h_).ok());
  auto text = again.Next(kWait);
  ASSERT_TRUE(text.has_value());
  json::object m = json::parse(*text).as_object();
  EXPECT_EQ(m.at("type").as_string(), "deltas");  // not a snapshot: only what was missed
  EXPECT_EQ(m.at("items").at(0).at("agent").at("reason").as_string(), "Training");
  // A sequence number from the future gets a snapshot.
  WsClient future;
  EXPECT_EQ(Open(future, blue_h_, "?after=999999").at("type").as_string(), "snapshot");
}

TEST_F(Live, SocketsAuthenticateByCookieHeaderOrFirstMessageNeverByUrl) {
  // No credentials, then a bad token in the first message: closed with 4401.
  WsClient bad;
  ASSERT_TRUE(bad.Connect(server_.port(), "/api/v1/live/ws").ok());
  ASSERT_TRUE(bad.Send(R"({"type":"auth","token":"cbs_nothing"})").ok());
  EXPECT_FALSE(bad.Next(kWait).has_value());
  EXPECT_TRUE(bad.closed());
  EXPECT_EQ(bad.close_code(), 4401);
  // The token in the first message works.
  WsClient good;
  ASSERT_TRUE(good.Connect(server_.port(), "/api/v1/live/ws").ok());
  ASSERT_TRUE(good.Send(R"({"type":"auth","token":")" + ann_token_ + R"("})").ok());
  auto snapshot = good.Next(kWait);
  ASSERT_TRUE(snapshot.has_value());
  EXPECT_EQ(json::parse(*snapshot).at("type").as_string(), "snapshot");
  // A session cookie from another site's page is refused.
  WsClient cross;
  Status s = cross.Connect(
      server_.port(), "/api/v1/live/ws",
      {{"Cookie", "__Host-cb_session=" + ann_token_}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(s.message(), "status 403");
  WsClient same;
  EXPECT_TRUE(same.Connect(server_.port(), "/api/v1/live/ws",
                           {{"Cookie", "__Host-cb_session=" + ann_token_},
                            {"Origin", "http://127.0.0.1:" + std::to_string(server_.port())}})
                  .ok());
  // A wrong bearer header is refused at the upgrade.
  WsClient wrong;
  EXPECT_EQ(wrong.Connect(server_.port(), "/api/v1/live/ws", Bearer("cbs_wrong")).message(),
            "status 401");
  // Silence: closed after the authentication wait is covered by the 4401 case above.
  EXPECT_EQ(client_.Request("GET", "/api/v1/live/ws", "", ann_h_).status, 426);
}

TEST_F(Live, StatesOfAnAgentWithoutAPbxFeedTheAgentStateSeconds) {
  const Principal op = OperatorPrincipal(tenant_);
  const int64_t dee =
      server_.app().org().Create(op, Agent{.name = "Dee", .team_id = blue_}, {})->id;
  const std::string why = R"(,"override_reason":"desk shift")";
  ASSERT_EQ(SetStatus(dee, R"({"state":"available")" + why + "}", blue_h_).status, 204);
  server_.clock().Advance(std::chrono::minutes(10));  // 09:10
  ASSERT_EQ(SetStatus(dee, R"({"state":"paused","reason":"Lunch")" + why + "}", blue_h_).status,
            204);
  server_.clock().Advance(std::chrono::minutes(15));  // 09:25
  ASSERT_EQ(SetStatus(dee, R"({"state":"logged_out")" + why + "}", blue_h_).status, 204);
  // 09:00–09:10 available, 09:10–09:25 Lunch: 09:00 bucket 600 s + 300 s, 09:15 bucket 600 s.
  std::vector<AgentStateRow> rows;
  ASSERT_TRUE(server_.app()
                  .db()
                  .Read([&](Transaction& tx) -> Status {
                    auto r =
                        tx.Kpi().ReadAgentStates(TenantScope(tenant_), FromUnixMillis(kNine * 1000),
                                                 FromUnixMillis((kNine + 3600) * 1000));
                    if (!r) return r.error();
                    rows = std::move(*r);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].agent_id, dee);
  EXPECT_EQ(rows[0].bucket, FromUnixMillis(kNine * 1000));
  EXPECT_EQ(rows[0].seconds.available_ms, 600000);
  EXPECT_EQ(rows[0].seconds.paused_ms, 300000);
  EXPECT_EQ(rows[0].seconds.logged_in_ms, 900000);
  EXPECT_EQ(rows[1].bucket, FromUnixMillis((kNine + 900) * 1000));
  EXPECT_EQ(rows[1].seconds.paused_ms, 600000);
  EXPECT_EQ(rows[1].seconds.paused_by_reason_ms.at("Lunch"), 600000);
  // Ann has a PBX identity: her manual states are logged but leave the seconds to the PBX.
  ASSERT_EQ(SetStatus(ann_, R"({"state":"available"})", ann_h_).status, 204);
  server_.clock().Advance(std::chrono::minutes(5));
  ASSERT_EQ(SetStatus(ann_, R"({"state":"paused","reason":"Lunch"})", ann_h_).status, 204);
  std::vector<StateInterval> log;
  ASSERT_TRUE(server_.app()
                  .db()
                  .Read([&](Transaction& tx) -> Status {
                    auto r = tx.Live().ListStateIntervals(TenantScope(tenant_), ann_,
                                                          FromUnixMillis(kNine * 1000),
                                                          FromUnixMillis((kNine + 3600) * 1000));
                    if (!r) return r.error();
                    log = std::move(*r);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].state, AgentState::kAvailable);
  EXPECT_EQ(log[0].origin, StateOrigin::kAgent);
  EXPECT_EQ(log[0].ended_at - log[0].started_at, std::chrono::minutes(5));
}

class SlowLive : public Live {
 protected:
  SlowLive() : Live(TestServerOptions{.websocket_queue_limit = 8, .websocket_send_buffer = 4096}) {}
};

TEST_F(SlowLive, ASlowConsumerGetsAFreshSnapshotInsteadOfABacklog) {
  WsClient slow;
  slow.set_receive_buffer(4096);
  Open(slow, blue_h_);
  // The client reads nothing while 400 changes happen: the server's queue overflows.
  for (int i = 0; i < 400; ++i) {
    const char* body =
        i % 2 == 0 ? R"({"state":"paused","reason":"Lunch"})" : R"({"state":"available"})";
    server_.clock().Advance(std::chrono::seconds(1));
    ASSERT_EQ(SetStatus(ann_, body, ann_h_).status, 204);
  }
  // Now it reads: at least one fresh snapshot came instead of the backlog, far fewer
  // messages than changes arrived, and the last word on Ann is her final state (available).
  int messages = 0, snapshots = 0;
  std::string last_state;
  int64_t last_seq = 0;
  while (auto text = slow.Next(std::chrono::milliseconds(500))) {
    ++messages;
    json::object m = json::parse(*text).as_object();
    // A client applies only what is newer than what it has: deltas queued before a resync
    // snapshot may arrive after it.
    if (m.at("seq").as_int64() <= last_seq) continue;
    last_seq = m.at("seq").as_int64();
    if (m.at("type").as_string() == "snapshot") {
      ++snapshots;
      for (const auto& a : m.at("agents").as_array()) {
        if (a.at("id").as_int64() == ann_) last_state = a.at("state").as_string();
      }
    } else {
      for (const auto& item : m.at("items").as_array()) {
        if (item.at("type").as_string() == "agent" &&
            item.at("agent").at("id").as_int64() == ann_) {
          last_state = item.at("agent").at("state").as_string();
        }
      }
    }
  }
  EXPECT_GE(snapshots, 1);
  EXPECT_LT(messages, 400);
  EXPECT_EQ(last_state, "available");
}

}  // namespace
}  // namespace callboard
