#pragma once
// The `serve` command: HTTP server until SIGTERM/SIGINT, then a graceful stop.

#include <chrono>
#include <optional>
#include <string>

#include "app/app.h"

namespace callboard {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";  // ADDR:PORT
  int threads = 0;                        // 0: one per core
  std::optional<std::string> tls_cert;
  std::optional<std::string> tls_key;
  std::string web_root = "web/dist";
  bool demo = false;  // create the demo tenant and users when missing
  std::chrono::milliseconds grace = std::chrono::seconds(4);
};

// Splits "ADDR:PORT" ("[::1]:8080" for IPv6); false when malformed.
bool ParseListen(const std::string& listen, std::string& address, uint16_t& port);

// Runs until a stop signal; returns the process exit code.
int RunServe(App& app, const ServeOptions& options);

// Creates tenant "demo" with one user per role when it does not exist; prints the
// credentials. Idempotent.
Status EnsureDemoTenant(App& app);

}  // namespace callboard
