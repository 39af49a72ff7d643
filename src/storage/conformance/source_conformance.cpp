// StoreConformance: SourceStore (how `serve` runs an ingest source) and its tenant isolation.
#include "ingest/sources/source_store.h"
#include "kpi/kpi_store.h"
#include "storage/conformance/store_conformance.h"

namespace callboard {

int SourceConformanceLinkAnchor() { return 1; }

namespace {

SourceConfig Listener(int64_t source_id, TimePoint at) {
  SourceConfig c;
  c.id = source_id;
  c.kind = SourceKind::k3cxTcpListen;
  c.host = "0.0.0.0";
  c.port = 5015;
  c.time_zone = "Europe/London";
  c.columns = {"historyid", "callid", "time-start", "time-end"};
  c.updated_at = at;
  return c;
}

}  // namespace

TEST_P(StoreConformance, SourceConfigsRoundTripWithTheirIngestSource) {
  auto source = Write<IngestSource>(
      [&](Transaction& tx) { return tx.Kpi().EnsureSource(a_, "pbx", "3cx-cdr", At(0)); });
  ASSERT_TRUE(source);
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Sources().InsertSourceConfig(a_, Listener(source->id, At(1)));
              }).ok());
  auto got = Read<SourceConfig>(
      [&](Transaction& tx) { return tx.Sources().GetSourceConfig(a_, source->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, source->id);
  EXPECT_EQ(got->name, "pbx");
  EXPECT_EQ(got->format, SourceFormat::k3cxCdr);
  EXPECT_EQ(got->kind, SourceKind::k3cxTcpListen);
  EXPECT_EQ(got->host, "0.0.0.0");
  EXPECT_EQ(got->port, 5015);
  EXPECT_EQ(got->path, "");
  EXPECT_EQ(got->time_zone, "Europe/London");
  EXPECT_EQ(got->columns,
            (std::vector<std::string>{"historyid", "callid", "time-start", "time-end"}));
  EXPECT_TRUE(got->enabled);
  EXPECT_EQ(got->created_at, At(1));
  EXPECT_EQ(got->updated_at, At(1));
  // A second configuration of the same source is a conflict.
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.Sources().InsertSourceConfig(a_, Listener(source->id, At(2)));
            }).code(),
            StatusCode::kAlreadyExists);

  SourceConfig changed = *got;
  changed.kind = SourceKind::kFileTail;
  changed.host = "";
  changed.port.reset();
  changed.path = "/var/log/asterisk/queue_log";
  changed.columns.clear();
  changed.enabled = false;
  changed.updated_at = At(3);
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Sources().UpdateSourceConfig(a_, changed);
              }).ok());
  auto list = Read<std::vector<SourceConfig>>(
      [&](Transaction& tx) { return tx.Sources().ListSourceConfigs(a_); });
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].kind, SourceKind::kFileTail);
  EXPECT_EQ((*list)[0].path, "/var/log/asterisk/queue_log");
  EXPECT_FALSE((*list)[0].port.has_value());
  EXPECT_TRUE((*list)[0].columns.empty());
  EXPECT_FALSE((*list)[0].enabled);
  EXPECT_EQ((*list)[0].created_at, At(1));
  EXPECT_EQ((*list)[0].updated_at, At(3));
}

// asterisk-ami links (schema 0010_ami_sources.sql): the manager user, its secret (the server
// logs in with it) and the monitoring channel template round-trip and update.
TEST_P(StoreConformance, AmiSourceConfigsKeepTheirLoginAndChannelTemplate) {
  auto source = Write<IngestSource>([&](Transaction& tx) {
    return tx.Kpi().EnsureSource(a_, "ami", "asterisk-queue-log", At(0));
  });
  ASSERT_TRUE(source);
  SourceConfig c;
  c.id = source->id;
  c.kind = SourceKind::kAsteriskAmi;
  c.host = "10.0.4.10";
  c.port = 5038;
  c.username = "callboard";
  c.secret = "s3cret";
  c.channel_template = "PJSIP/{ext}";
  c.updated_at = At(1);
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Sources().InsertSourceConfig(a_, c); }).ok());
  auto got = Read<SourceConfig>(
      [&](Transaction& tx) { return tx.Sources().GetSourceConfig(a_, source->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->kind, SourceKind::kAsteriskAmi);
  EXPECT_EQ(got->format, SourceFormat::kAsteriskQueueLog);
  EXPECT_EQ(got->username, "callboard");
  EXPECT_EQ(got->secret, "s3cret");
  EXPECT_EQ(got->channel_template, "PJSIP/{ext}");
  SourceConfig changed = *got;
  changed.secret = "rotated";
  changed.channel_template = "SIP/{ext}";
  changed.updated_at = At(2);
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Sources().UpdateSourceConfig(a_, changed);
              }).ok());
  auto list = Read<std::vector<SourceConfig>>(
      [&](Transaction& tx) { return tx.Sources().ListSourceConfigs(a_); });
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].username, "callboard");
  EXPECT_EQ((*list)[0].secret, "rotated");
  EXPECT_EQ((*list)[0].channel_template, "SIP/{ext}");
}

TEST_P(StoreConformance, DeletedSourceConfigsAreGoneAndCanBeCreatedAgain) {
  auto source = Write<IngestSource>(
      [&](Transaction& tx) { return tx.Kpi().EnsureSource(a_, "pbx", "3cx-cdr", At(0)); });
  ASSERT_TRUE(source);
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Sources().InsertSourceConfig(a_, Listener(source->id, At(1)));
              }).ok());
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Sources().DeleteSourceConfig(a_, source->id, At(2));
              }).ok());
  EXPECT_EQ(ReadStatus([&](Transaction& tx) {
              return tx.Sources().GetSourceConfig(a_, source->id).error();
            }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.Sources().DeleteSourceConfig(a_, source->id, At(3));
            }).code(),
            StatusCode::kNotFound);
  auto empty = Read<std::vector<SourceConfig>>(
      [&](Transaction& tx) { return tx.Sources().ListSourceConfigs(a_); });
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  // Configured again: a live configuration with the new values and creation time.
  SourceConfig again = Listener(source->id, At(4));
  again.port = 6000;
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Sources().InsertSourceConfig(a_, again);
              }).ok());
  auto got = Read<SourceConfig>(
      [&](Transaction& tx) { return tx.Sources().GetSourceConfig(a_, source->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->port, 6000);
  EXPECT_EQ(got->created_at, At(4));
}

TEST_P(StoreConformance, AnotherTenantCannotSeeOrChangeSourceConfigs) {
  auto source = Write<IngestSource>(
      [&](Transaction& tx) { return tx.Kpi().EnsureSource(a_, "pbx", "3cx-cdr", At(0)); });
  ASSERT_TRUE(source);
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Sources().InsertSourceConfig(a_, Listener(source->id, At(1)));
              }).ok());
  EXPECT_EQ(ReadStatus([&](Transaction& tx) {
              return tx.Sources().GetSourceConfig(b_, source->id).error();
            }).code(),
            StatusCode::kNotFound);
  auto b_list = Read<std::vector<SourceConfig>>(
      [&](Transaction& tx) { return tx.Sources().ListSourceConfigs(b_); });
  ASSERT_TRUE(b_list);
  EXPECT_TRUE(b_list->empty());
  SourceConfig hijack = Listener(source->id, At(2));
  hijack.port = 6666;
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.Sources().UpdateSourceConfig(b_, hijack);
            }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.Sources().DeleteSourceConfig(b_, source->id, At(2));
            }).code(),
            StatusCode::kNotFound);
  // B cannot configure A's ingest source either (it is not B's).
  EXPECT_FALSE(WriteStatus([&](Transaction& tx) {
                 return tx.Sources().InsertSourceConfig(b_, hijack);
               }).ok());
  auto got = Read<SourceConfig>(
      [&](Transaction& tx) { return tx.Sources().GetSourceConfig(a_, source->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->port, 5015);
}

}  // namespace callboard
