#include "kpi/call_log.h"

#include <algorithm>
#include <boost/json.hpp>

#include "audit/audit_log.h"
#include "json/plain_json.h"
#include "org/org_service.h"
#include "org/org_store.h"
#include "store/transaction.h"

namespace callboard {

CallLog::CallLog(Database& db, OrgService& org, const AuditLog& audit)
    : db_(db), org_(org), audit_(audit) {}

Result<std::optional<std::vector<int64_t>>> CallLog::VisibleAgents(Transaction& tx,
                                                                   const Principal& p) {
  using Agents = std::optional<std::vector<int64_t>>;
  switch (ScopeOf(p)) {
    case DataScope::kTenant:
      return Agents();
    case DataScope::kOwn:
      return p.agent_id ? Agents(std::vector<int64_t>{*p.agent_id})
                        : Agents(std::vector<int64_t>{});
    case DataScope::kTeam:
    case DataScope::kLob:
      break;
  }
  auto teams = org_.VisibleTeams(tx, p);
  if (!teams) return teams.error();
  if (!*teams) return Agents();
  std::vector<int64_t> ids;
  if ((*teams)->empty()) return Agents(std::move(ids));
  OrgFilter filter;
  filter.team_ids = **teams;
  PageRequest page{.limit = kMaxPageLimit};
  for (;;) {
    auto agents = tx.Org().ListAgents(p.tenant(), filter, page);
    if (!agents) return agents.error();
    for (const Agent& a : agents->items) ids.push_back(a.id);
    if (!agents->next_after) break;
    page.after_id = agents->next_after;
  }
  return Agents(std::move(ids));
}

Status CallLog::NarrowToScope(Transaction& tx, const Principal& p, CallFilter& filter) {
  auto visible = VisibleAgents(tx, p);
  if (!visible) return visible.error();
  if (!*visible) return Status::Ok();
  if (filter.agent_ids) {
    std::erase_if(*filter.agent_ids, [&](int64_t id) {
      return std::find((*visible)->begin(), (*visible)->end(), id) == (*visible)->end();
    });
  } else {
    filter.agent_ids = std::move(**visible);
  }
  return Status::Ok();
}

Result<Page<StoredCall>> CallLog::List(const Principal& p, CallFilter filter,
                                       const PageRequest& page) {
  std::optional<Page<StoredCall>> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    CB_RETURN_IF_ERROR(NarrowToScope(tx, p, filter));
    auto r = tx.Kpi().ListCalls(p.tenant(), filter, page);
    if (!r) return r.error();
    out = std::move(*r);
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<std::vector<StoredCall>> CallLog::Export(const Principal& p, CallFilter filter,
                                                size_t max_rows, const std::string& description,
                                                const AuditContext& ctx) {
  std::vector<StoredCall> out;
  // One read: the scope is worked out once and the pages see one snapshot.
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    CB_RETURN_IF_ERROR(NarrowToScope(tx, p, filter));
    PageRequest page{.limit = kMaxPageLimit};
    for (;;) {
      auto r = tx.Kpi().ListCalls(p.tenant(), filter, page);
      if (!r) return r.error();
      for (StoredCall& c : r->items) out.push_back(std::move(c));
      if (out.size() > max_rows) {
        return Status::Invalid({{"filters", "too_many_rows",
                                 "more than " + std::to_string(max_rows) +
                                     " calls match; narrow the date range or the filters"}});
      }
      if (!r->next_after) return Status::Ok();
      page.after_id = r->next_after;
    }
  }));
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    const boost::json::object after{{"filters", description},
                                    {"calls", static_cast<int64_t>(out.size())}};
    return audit_.Record(tx, p.tenant(), ctx,
                         {"calls.export", "call", std::nullopt, "", PlainJsonText(after)});
  }));
  return out;
}

Result<StoredCall> CallLog::Get(const Principal& p, int64_t id) {
  std::optional<StoredCall> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto call = tx.Kpi().GetCall(p.tenant(), id);
    if (!call) return call.error();
    auto visible = VisibleAgents(tx, p);
    if (!visible) return visible.error();
    if (*visible && (!call->agent_id || std::find((*visible)->begin(), (*visible)->end(),
                                                  *call->agent_id) == (*visible)->end())) {
      return Status::NotFound("call not found");
    }
    out = std::move(*call);
    return Status::Ok();
  }));
  return std::move(*out);
}

}  // namespace callboard
