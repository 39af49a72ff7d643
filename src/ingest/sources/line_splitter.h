#pragma once
// LineSplitter: cuts a byte stream (a file read in chunks, a TCP feed) into lines at '\n'
// and keeps the unterminated rest until its newline arrives. The '\r' of CRLF stays on the
// line (parsers strip it). A line longer than kMaxLineBytes is never buffered whole: its first
// kMaxLineBytes + 1 bytes are delivered (so the parser rejects it as over-long, keeping the
// start of it) and the rest up to its newline is dropped.
//
//   LineSplitter split;
//   split.Append(chunk, [&](std::string_view line, int64_t end) { feed.Line(line); });
//
// Thread-safety: none.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace callboard {

class LineSplitter {
 public:
  // Receives each complete line (without '\n') and the stream offset just after its '\n'.
  using OnLine = std::function<void(std::string_view line, int64_t end_offset)>;

  explicit LineSplitter(int64_t start_offset = 0) : offset_(start_offset), end_(start_offset) {}

  void Append(std::string_view bytes, const OnLine& on_line);
  // Delivers the unterminated rest as a line (end of a file that will not grow, or a
  // connection that closed); nothing when there is none.
  void FlushPartial(const OnLine& on_line);

  // Stream offset just after the last complete line delivered.
  int64_t offset() const { return offset_; }
  // Bytes received after that (an unterminated line, counted whole even when cut).
  int64_t partial_bytes() const { return end_ - offset_; }

 private:
  int64_t offset_;
  int64_t end_;
  std::string partial_;
  bool overlong_ = false;  // partial_ was cut; dropping bytes until the newline
};

}  // namespace callboard
