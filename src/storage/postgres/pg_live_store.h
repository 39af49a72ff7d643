#pragma once
// PgLiveStore: LiveStore over one PostgreSQL connection (migrations/postgres/0009_live.sql).
// Thread-safety: as its connection.

#include "live/live_store.h"

namespace callboard {

class PgConnection;

class PgLiveStore final : public LiveStore {
 public:
  explicit PgLiveStore(PgConnection& conn) : conn_(conn) {}

  Result<std::vector<PauseReason>> ListPauseReasons(TenantScope scope,
                                                    bool include_inactive) override;
  Result<PauseReason> GetPauseReason(TenantScope scope, int64_t id) override;
  Status InsertPauseReason(TenantScope scope, PauseReason& reason) override;
  Status UpdatePauseReason(TenantScope scope, const PauseReason& reason) override;

  Status InsertStateInterval(TenantScope scope, const StateInterval& interval) override;
  Result<std::vector<StateInterval>> ListStateIntervals(TenantScope scope, int64_t agent_id,
                                                        TimePoint from, TimePoint to) override;
  Status PutCurrentState(TenantScope scope, const CurrentState& state) override;
  Result<std::vector<CurrentState>> ListCurrentStates(TenantScope scope) override;

  Result<std::vector<AlertRule>> ListAlertRules(TenantScope scope) override;
  Status PutAlertRule(TenantScope scope, const AlertRule& rule, TimePoint now) override;

  Status InsertAlert(TenantScope scope, Alert& alert) override;
  Status EndAlert(TenantScope scope, int64_t id, TimePoint at) override;
  Status AckAlert(TenantScope scope, int64_t id, const std::string& actor, TimePoint at) override;
  Result<Alert> GetAlert(TenantScope scope, int64_t id) override;
  Result<Page<Alert>> ListAlerts(TenantScope scope, bool open_only,
                                 const PageRequest& page) override;

 private:
  PgConnection& conn_;
};

}  // namespace callboard
