#pragma once
// InputFile: a file (or stdin for "-") read as text lines, gzip-compressed or not
// (detected from its content), with a stream identity from its first bytes. Refuses
// content that is not text (NUL bytes in the first block).
// Thread-safety: one reader.

#include <istream>
#include <memory>
#include <string>

#include "core/status.h"

namespace callboard {

class InputFile {
 public:
  static Result<std::unique_ptr<InputFile>> Open(const std::string& path);
  ~InputFile();

  std::istream& stream() { return *stream_; }
  const std::string& identity() const { return identity_; }
  // Decompressed bytes read so far is reported through the importer; total size of the
  // file on disk (0 for stdin) for progress.
  int64_t size_on_disk() const { return size_on_disk_; }
  // Set when the gzip stream ended early or was corrupt; the stream then ends at the last
  // complete line before the damage (the fragment of the line it cut is not yielded).
  std::string error() const;

 private:
  class Buffer;
  InputFile() = default;
  std::unique_ptr<Buffer> buffer_;
  std::unique_ptr<std::istream> stream_;
  std::string identity_;
  int64_t size_on_disk_ = 0;
};

}  // namespace callboard
