#include "ingest/sources/source_status.h"

namespace callboard {

std::string_view SourceStateName(SourceState state) {
  switch (state) {
    case SourceState::kStarting:
      return "starting";
    case SourceState::kConnected:
      return "connected";
    case SourceState::kListening:
      return "listening";
    case SourceState::kFollowing:
      return "following";
    case SourceState::kWaiting:
      return "waiting";
    case SourceState::kError:
      return "error";
    case SourceState::kStopped:
      return "stopped";
  }
  return "stopped";
}

}  // namespace callboard
