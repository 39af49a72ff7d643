#include "app/input_file.h"

#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <streambuf>
#include <string>
#include <vector>

#include "ingest/importer.h"

namespace callboard {

// A streambuf over zlib's gzread, which reads gzip and plain files alike. It hands out
// whole lines only and holds back the bytes after the last newline until more arrive:
// when the data ends in damage (a truncated or corrupt .gz), an unterminated last line
// is a fragment of a line and is dropped rather than imported as if it were complete.
class InputFile::Buffer : public std::streambuf {
 public:
  explicit Buffer(gzFile f) : file_(f), chunk_(1 << 16) {}
  ~Buffer() override { gzclose(file_); }

  // Reads up to n bytes from the start (for the identity); the stream still yields them.
  // REQUIRES: called once, before anything is read.
  const std::string& Peek(size_t n) {
    head_.resize(n);
    const int got = gzread(file_, head_.data(), static_cast<unsigned>(n));
    head_.resize(got > 0 ? static_cast<size_t>(got) : 0);
    held_ = head_;
    return head_;
  }
  std::string error() const { return error_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    out_.swap(held_);
    held_.clear();
    while (!done_) {
      if (const size_t nl = out_.rfind('\n'); nl != std::string::npos) {
        held_.assign(out_, nl + 1);
        out_.resize(nl + 1);
        break;
      }
      if (out_.size() >= kMaxHeldBytes) break;  // too long to be a line: the parser rejects it
      const int got = gzread(file_, chunk_.data(), static_cast<unsigned>(chunk_.size()));
      if (got > 0) {
        out_.append(chunk_.data(), static_cast<size_t>(got));
        continue;
      }
      int code = 0;
      const char* msg = gzerror(file_, &code);
      if (got < 0 || (code != Z_OK && code != Z_STREAM_END)) {
        error_ = msg;
        out_.clear();  // the fragment of a line before the damage
      }
      done_ = true;  // at a clean end, an unterminated last line is still a line
    }
    if (out_.empty()) return traits_type::eof();
    setg(out_.data(), out_.data(), out_.data() + out_.size());
    return traits_type::to_int_type(*gptr());
  }

 private:
  static constexpr size_t kMaxHeldBytes = size_t{1} << 20;
  gzFile file_;
  std::vector<char> chunk_;
  std::string head_;
  std::string held_;  // read, not yet handed out: the bytes after the last newline
  std::string out_;   // the get area
  std::string error_;
  bool done_ = false;
};

InputFile::~InputFile() = default;

std::string InputFile::error() const { return buffer_ ? buffer_->error() : ""; }

Result<std::unique_ptr<InputFile>> InputFile::Open(const std::string& path) {
  gzFile f = path == "-" ? gzdopen(dup(STDIN_FILENO), "rb") : gzopen(path.c_str(), "rb");
  if (!f) {
    return Status::Invalid(
        {{"file", "unreadable", "cannot open " + path + ": " + std::strerror(errno)}});
  }
  gzbuffer(f, 1 << 17);
  std::unique_ptr<InputFile> in(new InputFile());
  in->buffer_ = std::make_unique<Buffer>(f);
  if (path != "-") {
    std::error_code ec;
    in->size_on_disk_ = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  }
  const std::string& head = in->buffer_->Peek(kStreamIdentityBytes);
  if (head.find('\0') != std::string::npos) {
    return Status::Invalid(
        {{"file", "not_text", path + " is not a text file (binary content in the first block)"}});
  }
  in->identity_ = StreamIdentity(head);
  in->stream_ = std::make_unique<std::istream>(in->buffer_.get());
  return in;
}

}  // namespace callboard
