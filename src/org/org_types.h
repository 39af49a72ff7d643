#pragma once
// The organisation of a tenant: sites, lines of business, teams, users and agents.
// Plain values; ids are per-database row ids, unique across tenants.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/role.h"

namespace callboard {

struct Tenant {
  int64_t id = 0;
  std::string name;
  TimePoint created_at;
};

struct Site {
  int64_t id = 0;
  std::string name;
  std::string time_zone;  // IANA name, e.g. "Europe/Berlin"
  TimePoint created_at;
  TimePoint updated_at;
};

// A line of business: a client programme or product line a team works for.
struct Lob {
  int64_t id = 0;
  std::string name;
  std::string description;
  TimePoint created_at;
  TimePoint updated_at;
};

struct Team {
  int64_t id = 0;
  std::string name;
  std::optional<int64_t> site_id;
  std::optional<int64_t> lob_id;
  std::vector<int64_t> supervisor_ids;  // user ids, ascending
  TimePoint created_at;
  TimePoint updated_at;
};

struct User {
  int64_t id = 0;
  std::string email;  // lower-case; unique across the whole installation
  std::string name;
  Role role = Role::kAgent;
  std::optional<int64_t> team_id;
  std::vector<int64_t> lob_ids;  // ascending
  bool active = true;
  TimePoint created_at;
  TimePoint updated_at;
};

// A person who takes calls, known to the PBX by one or more identities
// ("SIP/1001", "PJSIP/alice", a 3CX extension "101").
struct Agent {
  int64_t id = 0;
  std::string name;
  std::optional<int64_t> user_id;
  std::optional<int64_t> team_id;
  std::vector<std::string> pbx_ids;  // sorted
  bool active = true;
  TimePoint created_at;
  TimePoint updated_at;
};

}  // namespace callboard
