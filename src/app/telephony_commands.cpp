// Commands: import, report, rejects list.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>

#include "app/command_context.h"
#include "app/input_file.h"
#include "ingest/importer.h"
#include "ingest/simulator.h"
#include "kpi/kpi_store.h"
#include "kpi/reaggregate.h"
#include "kpi/report_json.h"
#include "kpi/report_service.h"
#include "org/org_service.h"
#include "store/transaction.h"

namespace callboard {

namespace {

// A one-line progress bar on stderr, only when stderr is a terminal.
class Progress {
 public:
  Progress(std::string name, int64_t total) : name_(std::move(name)), total_(total) {}
  void Update(int64_t bytes) {
    if (!isatty(STDERR_FILENO)) return;
    if (total_ > 0) {
      const int pct = static_cast<int>(std::min<int64_t>(100, bytes * 100 / total_));
      std::fprintf(stderr, "\r%s %3d%% [%-40s]", name_.c_str(), pct,
                   std::string(static_cast<size_t>(pct * 40 / 100), '#').c_str());
    } else {
      std::fprintf(stderr, "\r%s %lld MiB", name_.c_str(), static_cast<long long>(bytes >> 20));
    }
    shown_ = true;
  }
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\n");
  }

 private:
  std::string name_;
  int64_t total_;
  bool shown_ = false;
};

}  // namespace

void AddTelephonyCommands(CLI::App& cli, CommandContext& s, int& rc) {
  // import
  static std::string i_tenant, i_format, i_source, i_tz = "UTC", i_columns;
  static std::vector<std::string> i_files;
  auto* import_cmd = cli.add_subcommand("import", "import PBX files (.gz accepted; - for stdin)");
  AddDataOption(import_cmd, s);
  import_cmd->add_option("--tenant", i_tenant, "tenant name")->required();
  import_cmd
      ->add_option(
          "--format", i_format,
          "asterisk-queue-log, asterisk-cdr, 3cx-cdr, freeswitch-cc, calls-json, calls-csv")
      ->required();
  import_cmd->add_option("--source", i_source, "source name (created on first use)")->required();
  import_cmd->add_option("--tz", i_tz, "time zone of local timestamps (3CX, Asterisk CDR)")
      ->capture_default_str();
  import_cmd->add_option("--columns", i_columns, "3CX: the configured field list, comma-separated");
  import_cmd->add_option("files", i_files, "files to import")->required();
  import_cmd->callback([&] {
    auto format = ParseSourceFormat(i_format);
    if (!format) {
      rc = Fail("import",
                Status::Invalid({{"format", "invalid", "unknown format '" + i_format + "'"}}));
      return;
    }
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(i_tenant);
    if (!tenant) return void(rc = Fail("import", tenant.error()));
    ImportOptions options;
    options.format = *format;
    options.source_name = i_source;
    options.parser.time_zone = i_tz;
    if (!i_columns.empty()) {
      std::stringstream in(i_columns);
      for (std::string c; std::getline(in, c, ',');) options.parser.columns.push_back(c);
    }
    Importer importer(s.app->db(), s.clock);
    ImportSummary total;
    for (const std::string& path : i_files) {
      auto file = InputFile::Open(path);
      if (!file) return void(rc = Fail("import " + path, file.error()));
      Progress progress(path, (*file)->size_on_disk());
      options.progress = [&progress](int64_t bytes) { progress.Update(bytes); };
      auto summary =
          importer.Import(TenantScope(tenant->id), options, (*file)->stream(), (*file)->identity());
      if (!summary) return void(rc = Fail("import " + path, summary.error()));
      if (!(*file)->error().empty()) {
        std::cerr << "callboard: import " << path << ": " << (*file)->error()
                  << " (everything before it was imported)\n";
        rc = 1;
      }
      total.accepted += summary->accepted;
      total.duplicates += summary->duplicates;
      total.rejected += summary->rejected;
      total.calls += summary->calls;
      for (const ParseReject& r : summary->rejects) {
        std::cerr << path << ":" << r.line << ": rejected: " << r.reason << "\n";
      }
    }
    std::cout << boost::json::serialize(boost::json::object{{"accepted", total.accepted},
                                                            {"duplicates", total.duplicates},
                                                            {"rejected", total.rejected},
                                                            {"calls", total.calls}})
              << "\n";
  });

  // report
  static std::string r_kind, r_tenant, r_from, r_to, r_tz = "UTC", r_interval = "total", r_queue,
                                                     r_format = "json";
  auto* report_cmd = cli.add_subcommand("report", "queue or agent KPI report from aggregates");
  AddDataOption(report_cmd, s);
  report_cmd->add_option("kind", r_kind, "queues or agents")
      ->required()
      ->check(CLI::IsMember({"queues", "agents"}));
  report_cmd->add_option("--tenant", r_tenant, "tenant name")->required();
  report_cmd->add_option("--from", r_from, "start: RFC 3339 or YYYY-MM-DD in --tz")->required();
  report_cmd->add_option("--to", r_to, "end (exclusive): RFC 3339 or YYYY-MM-DD in --tz")
      ->required();
  report_cmd->add_option("--tz", r_tz, "IANA time zone of the intervals")->capture_default_str();
  report_cmd->add_option("--interval", r_interval, "15m, 30m, 1h, day, week, month, total")
      ->capture_default_str();
  report_cmd->add_option("--queue", r_queue, "only this queue (name)");
  report_cmd->add_option("--format", r_format, "json or csv")
      ->capture_default_str()
      ->check(CLI::IsMember({"json", "csv"}));
  report_cmd->callback([&] {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(r_tenant);
    if (!tenant) return void(rc = Fail("report", tenant.error()));
    ReportRequest req;
    req.tz = r_tz;
    auto from = ParseReportTime(r_from, r_tz, "from");
    if (!from) return void(rc = Fail("report", from.error()));
    auto to = ParseReportTime(r_to, r_tz, "to");
    if (!to) return void(rc = Fail("report", to.error()));
    req.from = *from;
    req.to = *to;
    auto interval = ParseReportInterval(r_interval);
    if (!interval) {
      return void(rc = Fail("report", Status::Invalid({{"interval", "invalid",
                                                        "must be 15m, 30m, 1h, day, week, "
                                                        "month or total"}})));
    }
    req.interval = *interval;
    const Principal op = OperatorPrincipal(tenant->id);
    if (!r_queue.empty()) {
      std::vector<QueueConfig> queues;
      Status st = s.app->db().Read([&](Transaction& tx) -> Status {
        auto q = tx.Kpi().ListQueues(op.tenant());
        if (!q) return q.error();
        queues = std::move(*q);
        return Status::Ok();
      });
      if (!st.ok()) return void(rc = Fail("report", st));
      req.queue_ids = std::vector<int64_t>{};
      for (const QueueConfig& q : queues) {
        if (q.name == r_queue) req.queue_ids->push_back(q.id);
      }
      if (req.queue_ids->empty()) {
        return void(rc = Fail("report", Status::NotFound("no queue named '" + r_queue + "'")));
      }
    }
    const bool agents = r_kind == "agents";
    auto report = agents ? s.app->reports().Agents(op, req) : s.app->reports().Queues(op, req);
    if (!report) return void(rc = Fail("report", report.error()));
    if (r_format == "csv") {
      std::cout << ReportCsv(*report, agents);
    } else {
      std::cout << ReportJsonText(*report, agents) << "\n";
    }
  });

  // reaggregate
  static std::string g_tenant, g_from, g_to;
  auto* reaggregate_cmd =
      cli.add_subcommand("reaggregate", "rebuild interval aggregates of a range from stored calls");
  AddDataOption(reaggregate_cmd, s);
  reaggregate_cmd->add_option("--tenant", g_tenant, "tenant name")->required();
  reaggregate_cmd->add_option("--from", g_from, "start: RFC 3339 or YYYY-MM-DD (UTC)")->required();
  reaggregate_cmd->add_option("--to", g_to, "end (exclusive): RFC 3339 or YYYY-MM-DD (UTC)")
      ->required();
  reaggregate_cmd->callback([&] {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(g_tenant);
    if (!tenant) return void(rc = Fail("reaggregate", tenant.error()));
    auto from = ParseReportTime(g_from, "UTC", "from");
    if (!from) return void(rc = Fail("reaggregate", from.error()));
    auto to = ParseReportTime(g_to, "UTC", "to");
    if (!to) return void(rc = Fail("reaggregate", to.error()));
    auto done = Reaggregate(s.app->db(), TenantScope(tenant->id), *from, *to);
    if (!done) return void(rc = Fail("reaggregate", done.error()));
    std::cout << boost::json::serialize(boost::json::object{{"from", FormatRfc3339(done->from)},
                                                            {"to", FormatRfc3339(done->to)},
                                                            {"calls", done->calls}})
              << "\n";
  });

  // rollups: the zones with local-day and local-month rollups (migration 0013)
  static std::string z_tenant, z_zone;
  auto* rollups_cmd = cli.add_subcommand(
      "rollups", "local-day and local-month rollups per time zone (site zones are automatic)");
  rollups_cmd->require_subcommand(1);
  auto zone_command = [&](const char* name, const char* help, bool with_zone) {
    auto* cmd = rollups_cmd->add_subcommand(name, help);
    AddDataOption(cmd, s);
    cmd->add_option("--tenant", z_tenant, "tenant name")->required();
    if (with_zone)
      cmd->add_option("--zone", z_zone, "IANA time zone, e.g. America/New_York")->required();
    return cmd;
  };
  // Runs `work` in a write transaction for the tenant; prints the zones kept afterwards.
  auto run_zones = [&](const char* what,
                       const std::function<Status(Transaction&, TenantScope)>& work) {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(z_tenant);
    if (!tenant) return void(rc = Fail(what, tenant.error()));
    const TenantScope scope(tenant->id);
    std::vector<std::string> zones;
    Status st = s.app->db().Write([&](Transaction& tx) -> Status {
      CB_RETURN_IF_ERROR(work(tx, scope));
      auto kept = tx.Kpi().ListRollupZones(scope);
      if (!kept) return kept.error();
      zones = std::move(*kept);
      return Status::Ok();
    });
    if (!st.ok()) return void(rc = Fail(what, st));
    boost::json::array out;
    for (const std::string& z : zones) out.emplace_back(z);
    std::cout << boost::json::serialize(boost::json::object{{"zones", std::move(out)}}) << "\n";
  };
  // The callbacks run after this function returns: they hold run_zones by value.
  zone_command("list", "the zones whose local rollups are kept", false)->callback([run_zones] {
    run_zones("rollups list", [](Transaction&, TenantScope) { return Status::Ok(); });
  });
  zone_command("add", "build a zone's local rollups from the stored rows and keep them", true)
      ->callback([run_zones] {
        run_zones("rollups add", [](Transaction& tx, TenantScope scope) {
          return tx.Kpi().AddRollupZone(scope, z_zone);
        });
      });
  zone_command("drop", "stop keeping a zone's local rollups and delete them", true)
      ->callback([run_zones] {
        run_zones("rollups drop", [](Transaction& tx, TenantScope scope) {
          return tx.Kpi().DropRollupZone(scope, z_zone);
        });
      });

  // simulate
  static SimulationOptions sim;
  static std::string sim_format = "asterisk-queue-log", sim_start;
  auto* simulate_cmd = cli.add_subcommand("simulate", "write realistic PBX traffic to stdout");
  simulate_cmd->add_option("--format", sim_format, "asterisk-queue-log, 3cx-cdr or calls-json")
      ->capture_default_str();
  simulate_cmd->add_option("--queues", sim.queues, "queues")->capture_default_str();
  simulate_cmd->add_option("--agents", sim.agents, "agents")->capture_default_str();
  simulate_cmd->add_option("--hours", sim.hours, "hours of arrivals")->capture_default_str();
  simulate_cmd->add_option("--seed", sim.seed, "same seed, same bytes")->capture_default_str();
  simulate_cmd->add_option("--rate", sim.calls_per_hour, "calls per hour (0: from --agents)")
      ->capture_default_str();
  simulate_cmd->add_option("--start", sim_start,
                           "first event, RFC 3339 (default 2026-11-02T08:00Z)");
  simulate_cmd->add_option("--tz", sim.time_zone, "zone of the day profile and 3CX times")
      ->capture_default_str();
  simulate_cmd->callback([&] {
    auto format = ParseSourceFormat(sim_format);
    if (!format) {
      return void(rc = Fail("simulate",
                            Status::Invalid(
                                {{"format", "invalid", "unknown format '" + sim_format + "'"}})));
    }
    sim.format = *format;
    if (!sim_start.empty()) {
      auto start = ParseRfc3339(sim_start);
      if (!start) {
        return void(rc = Fail("simulate",
                              Status::Invalid({{"start", "invalid", "must be an RFC 3339 time"}})));
      }
      sim.start = *start;
    }
    std::ios::sync_with_stdio(false);
    if (Status st = WriteSimulation(sim, std::cout); !st.ok()) rc = Fail("simulate", st);
    std::cout.flush();
  });

  // diagnostics
  static std::string d_tenant;
  static int d_limit = 20;
  auto* diagnostics_cmd =
      cli.add_subcommand("diagnostics", "data-quality findings per source (counts, newest first)");
  AddDataOption(diagnostics_cmd, s);
  diagnostics_cmd->add_option("--tenant", d_tenant, "tenant name")->required();
  diagnostics_cmd->add_option("--limit", d_limit, "findings to list")->check(CLI::Range(0, 500));
  diagnostics_cmd->callback([&] {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(d_tenant);
    if (!tenant) return void(rc = Fail("diagnostics", tenant.error()));
    const TenantScope scope(tenant->id);
    Status st = s.app->db().Read([&](Transaction& tx) -> Status {
      auto sources = tx.Kpi().ListSources(scope);
      if (!sources) return sources.error();
      auto name_of = [&](int64_t id) {
        for (const IngestSource& src : *sources) {
          if (src.id == id) return src.name;
        }
        return std::to_string(id);
      };
      auto counts = tx.Kpi().CountDiagnostics(scope);
      if (!counts) return counts.error();
      boost::json::object by_source;
      for (const DiagnosticCount& c : *counts) {
        boost::json::value& entry = by_source[name_of(c.source_id)];
        if (!entry.is_object()) entry = boost::json::object{};
        entry.as_object()[c.kind] = c.count;
      }
      boost::json::array recent;
      if (d_limit > 0) {
        auto page = tx.Kpi().ListDiagnostics(scope, std::nullopt, PageRequest{.limit = d_limit});
        if (!page) return page.error();
        for (const StoredDiagnostic& d : page->items) {
          recent.push_back(boost::json::object{{"source", name_of(d.source_id)},
                                               {"kind", d.kind},
                                               {"call_id", d.call_id},
                                               {"line", d.line},
                                               {"detail", d.detail}});
        }
      }
      std::cout << boost::json::serialize(
                       boost::json::object{{"counts", by_source}, {"recent", recent}})
                << "\n";
      return Status::Ok();
    });
    if (!st.ok()) rc = Fail("diagnostics", st);
  });

  // rejects
  static std::string j_tenant;
  static int j_limit = 100;
  auto* rejects_cmd = cli.add_subcommand("rejects", "rejected input lines");
  rejects_cmd->require_subcommand(1);
  auto* rejects_list = rejects_cmd->add_subcommand("list", "newest first");
  AddDataOption(rejects_list, s);
  rejects_list->add_option("--tenant", j_tenant, "tenant name")->required();
  rejects_list->add_option("--limit", j_limit, "at most this many")->check(CLI::Range(1, 500));
  rejects_list->callback([&] {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(j_tenant);
    if (!tenant) return void(rc = Fail("rejects list", tenant.error()));
    Status st = s.app->db().Read([&](Transaction& tx) -> Status {
      auto sources = tx.Kpi().ListSources(TenantScope(tenant->id));
      if (!sources) return sources.error();
      auto page = tx.Kpi().ListRejects(TenantScope(tenant->id), std::nullopt,
                                       PageRequest{.limit = j_limit});
      if (!page) return page.error();
      for (const StoredReject& r : page->items) {
        std::string source;
        for (const IngestSource& src : *sources) {
          if (src.id == r.source_id) source = src.name;
        }
        std::cout << boost::json::serialize(boost::json::object{{"source", source},
                                                                {"line", r.line},
                                                                {"reason", r.reason},
                                                                {"raw", r.raw}})
                  << "\n";
      }
      return Status::Ok();
    });
    if (!st.ok()) rc = Fail("rejects list", st);
  });
}

}  // namespace callboard
