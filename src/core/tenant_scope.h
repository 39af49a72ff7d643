#pragma once
// TenantScope: the tenant every store call acts inside. Constructed only from an
// authenticated principal or by the platform operator's command line; a store never
// returns or changes a row of another tenant.

#include <cstdint>

namespace callboard {

class TenantScope {
 public:
  explicit TenantScope(int64_t tenant_id) : tenant_id_(tenant_id) {}
  int64_t tenant_id() const { return tenant_id_; }

 private:
  int64_t tenant_id_;
};

}  // namespace callboard
