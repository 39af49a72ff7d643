#include "ingest/sources/line_splitter.h"

#include "ingest/parsed.h"

namespace callboard {

void LineSplitter::Append(std::string_view bytes, const OnLine& on_line) {
  constexpr size_t kKeep = kMaxLineBytes + 1;
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, nl);
    end_ += static_cast<int64_t>(piece.size());
    if (!overlong_) {
      const size_t room = kKeep - partial_.size();
      if (piece.size() >= room && nl == std::string_view::npos) {
        partial_.append(piece.substr(0, room));
        overlong_ = true;
      } else if (piece.size() > room) {
        partial_.append(piece.substr(0, room));
      } else if (nl != std::string_view::npos && partial_.empty()) {
        // The common case: a whole line inside the chunk, delivered without copying.
        end_ += 1;
        offset_ = end_;
        on_line(piece, offset_);
        bytes.remove_prefix(nl + 1);
        continue;
      } else {
        partial_.append(piece);
      }
    }
    if (nl == std::string_view::npos) return;
    end_ += 1;
    offset_ = end_;
    on_line(partial_, offset_);
    partial_.clear();
    overlong_ = false;
    bytes.remove_prefix(nl + 1);
  }
}

void LineSplitter::FlushPartial(const OnLine& on_line) {
  if (end_ == offset_) return;
  offset_ = end_;
  on_line(partial_, offset_);
  partial_.clear();
  overlong_ = false;
}

}  // namespace callboard
