#include "app/input_file.h"

#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <streambuf>
#include <vector>

#include "ingest/importer.h"

namespace callboard {

// A streambuf over zlib's gzread, which reads gzip and plain files alike.
class InputFile::Buffer : public std::streambuf {
 public:
  explicit Buffer(gzFile f) : file_(f), buf_(1 << 16) {}
  ~Buffer() override { gzclose(file_); }

  // Reads up to n bytes from the start (for the identity); the stream still yields them.
  // REQUIRES: called once, before anything is read.
  const std::string& Peek(size_t n) {
    head_.resize(n);
    const int got = gzread(file_, head_.data(), static_cast<unsigned>(n));
    head_.resize(got > 0 ? static_cast<size_t>(got) : 0);
    setg(head_.data(), head_.data(), head_.data() + head_.size());
    return head_;
  }
  std::string error() const { return error_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    const int got = gzread(file_, buf_.data(), static_cast<unsigned>(buf_.size()));
    if (got < 0) {
      int code = 0;
      error_ = gzerror(file_, &code);
      return traits_type::eof();
    }
    if (got == 0) {
      int code = 0;
      const char* msg = gzerror(file_, &code);
      if (code != Z_OK && code != Z_STREAM_END) error_ = msg;
      return traits_type::eof();
    }
    setg(buf_.data(), buf_.data(), buf_.data() + got);
    return traits_type::to_int_type(*gptr());
  }

 private:
  gzFile file_;
  std::vector<char> buf_;
  std::string head_;
  std::string error_;
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
