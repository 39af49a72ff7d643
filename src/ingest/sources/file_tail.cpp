#include "ingest/sources/file_tail.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <sstream>
#include <vector>

#include "core/sha256.h"
#include "ingest/sources/line_splitter.h"
#include "ingest/sources/socket_io.h"
#include "ingest/sources/stop_signal.h"

namespace callboard {

namespace {

constexpr size_t kPrefixBytes = 1024;  // identity: hash of up to this many first bytes
constexpr size_t kReadChunk = 64 * 1024;

// Where a checkpoint says the tail stands: a file's identity and the byte offset after the
// last line ingested.
struct TailCursor {
  uint64_t dev = 0;
  uint64_t ino = 0;
  int64_t offset = 0;
  size_t prefix_len = 0;
  std::string prefix_hash;
};

std::string EncodeCursor(const TailCursor& c) {
  std::ostringstream out;
  out << "tail-v1 " << c.dev << ' ' << c.ino << ' ' << c.offset << ' ' << c.prefix_len << ' '
      << c.prefix_hash;
  return out.str();
}

std::optional<TailCursor> DecodeCursor(const std::string& text) {
  std::istringstream in(text);
  std::string magic;
  TailCursor c;
  if (!(in >> magic >> c.dev >> c.ino >> c.offset >> c.prefix_len >> c.prefix_hash) ||
      magic != "tail-v1" || c.offset < 0) {
    return std::nullopt;
  }
  return c;
}

std::string ErrnoText(const std::string& what, int err) { return what + ": " + std::strerror(err); }

// One open file being followed.
struct TailFile {
  UniqueFd fd;
  std::string path;  // where it was opened
  uint64_t dev = 0;
  uint64_t ino = 0;
  LineSplitter split;
  std::string prefix;  // its first min(bytes read, kPrefixBytes) bytes
  // (line number, offset after it) of the lines since the last checkpoint; the front is the
  // anchor the next checkpoint can fall back to.
  std::deque<std::pair<int64_t, int64_t>> ends;

  int64_t read_offset() const { return split.offset() + split.partial_bytes(); }

  std::optional<std::string> ReadPrefix(size_t n) const {
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
      const ssize_t r = pread(fd.get(), out.data() + got, n - got, static_cast<off_t>(got));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      got += static_cast<size_t>(r);
    }
    if (got < n) return std::nullopt;
    return out;
  }

  // The cursor for checkpoint position `line` (the last line ingested).
  std::string CursorAt(int64_t line) {
    int64_t offset = ends.empty() ? 0 : ends.front().second;
    for (const auto& [l, end] : ends) {
      if (l > line) break;
      offset = end;
    }
    while (ends.size() > 1 && ends[1].first <= line) ends.pop_front();
    TailCursor c{dev, ino, offset, std::min(prefix.size(), static_cast<size_t>(offset)), ""};
    c.prefix_hash = Sha256Hex(std::string_view(prefix).substr(0, c.prefix_len));
    return EncodeCursor(c);
  }
};

Result<std::unique_ptr<TailFile>> OpenFile(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::unique_ptr<TailFile>();
    return Status::Unavailable(ErrnoText("open " + path, errno));
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Status::Unavailable(ErrnoText("stat " + path, errno));
  if (!S_ISREG(st.st_mode)) return Status::Unavailable(path + " is not a regular file");
  auto f = std::make_unique<TailFile>();
  f->fd = std::move(fd);
  f->path = path;
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  return f;
}

// Positions `f` at `offset` (where line `line` ended) for reading on.
Status StartAt(TailFile& f, int64_t offset, int64_t line) {
  if (lseek(f.fd.get(), offset, SEEK_SET) < 0) return Status::Unavailable(ErrnoText("seek", errno));
  f.split = LineSplitter(offset);
  f.ends.assign(1, {line, offset});
  f.prefix = f.ReadPrefix(std::min<size_t>(static_cast<size_t>(offset), kPrefixBytes))
                 .value_or(std::string());
  return Status::Ok();
}

// Whether `f` is the file `c` describes, with at least c.offset bytes.
bool Matches(TailFile& f, const TailCursor& c) {
  if (f.dev != c.dev || f.ino != c.ino) return false;
  struct stat st {};
  if (fstat(f.fd.get(), &st) != 0 || st.st_size < c.offset) return false;
  auto prefix = f.ReadPrefix(c.prefix_len);
  return prefix && Sha256Hex(*prefix) == c.prefix_hash;
}

// A rotated sibling of `path` (queue_log.1, queue_log-20260302 …) that is the file `c` describes.
Result<std::unique_ptr<TailFile>> FindRotated(const std::string& path, const TailCursor& c) {
  namespace fs = std::filesystem;
  const fs::path p(path);
  const std::string base = p.filename().string();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(p.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name == base || !name.starts_with(base)) continue;
    struct stat st {};
    if (stat(entry.path().c_str(), &st) != 0 || st.st_dev != c.dev || st.st_ino != c.ino) continue;
    auto f = OpenFile(entry.path().string());
    if (!f) return f.error();
    if (*f && Matches(**f, c)) return f;
  }
  return std::unique_ptr<TailFile>();
}

class Follower {
 public:
  Follower(const SourceContext& ctx, SourceFeed& feed)
      : ctx_(ctx), feed_(feed), buffer_(kReadChunk) {}

  StreamIngestor::CursorAt CursorOf(TailFile* f) {
    if (!f) return nullptr;
    return [f](int64_t line) { return f->CursorAt(line); };
  }

  // Reads what the file holds beyond what was read, committing as batches fill.
  Status ReadAvailable(TailFile& f) {
    const auto on_line = [&](std::string_view line, int64_t end) {
      feed_.Line(line);
      f.ends.emplace_back(feed_.last_line(), end);
    };
    while (!ctx_.stop.triggered()) {
      const ssize_t n = read(f.fd.get(), buffer_.data(), buffer_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::Unavailable(ErrnoText("read " + f.path, errno));
      if (n == 0) break;
      f.split.Append(std::string_view(buffer_.data(), static_cast<size_t>(n)), on_line);
      if (f.prefix.size() < kPrefixBytes &&
          f.read_offset() > static_cast<int64_t>(f.prefix.size())) {
        // Grows the identity's first bytes, unless the file was replaced meanwhile (Truncated
        // then notices).
        auto longer =
            f.ReadPrefix(std::min<size_t>(static_cast<size_t>(f.read_offset()), kPrefixBytes));
        if (longer && longer->starts_with(f.prefix)) f.prefix = std::move(*longer);
      }
      CB_RETURN_IF_ERROR(feed_.FlushIfDue(CursorOf(&f)));
    }
    return Status::Ok();
  }

  // The file will not grow any more: its last unterminated line counts, and what the
  // parser holds back is emitted.
  Status Finish(TailFile& f) {
    CB_RETURN_IF_ERROR(ReadAvailable(f));
    f.split.FlushPartial([&](std::string_view line, int64_t end) {
      feed_.Line(line);
      f.ends.emplace_back(feed_.last_line(), end);
    });
    return feed_.FinishInput(CursorOf(&f));
  }

  // True when the file shrank below what was read or its first bytes changed.
  bool Truncated(TailFile& f) {
    struct stat st {};
    if (fstat(f.fd.get(), &st) != 0) return false;
    if (st.st_size < f.read_offset()) return true;
    if (f.prefix.empty()) return false;
    auto now = f.ReadPrefix(f.prefix.size());
    return !now || *now != f.prefix;
  }

 private:
  const SourceContext& ctx_;
  SourceFeed& feed_;
  std::vector<char> buffer_;
};

}  // namespace

Status FileTail::Run() {
  const std::string& path = ctx_.config.path;
  if (Status s = CheckTailPath(path, ctx_.policy.tail_roots); !s.ok()) {
    const auto& fe = s.field_errors();
    return Status::Unavailable(fe.empty() ? s.message() : "path: " + fe.front().message);
  }
  auto opened = SourceFeed::Open(ctx_, "tail:" + path);
  if (!opened) return opened.error();
  SourceFeed& feed = **opened;
  Follower follow(ctx_, feed);
  feed.SetState(SourceState::kStarting, path);

  // Resume from the checkpoint: the same file at its offset, or a rotated one finished first.
  auto at_path = OpenFile(path);
  if (!at_path) return at_path.error();
  std::unique_ptr<TailFile> cur = std::move(*at_path);
  const std::optional<TailCursor> cursor = DecodeCursor(feed.cursor());
  if (cur && cursor && Matches(*cur, *cursor)) {
    CB_RETURN_IF_ERROR(StartAt(*cur, cursor->offset, feed.last_line()));
  } else {
    if (cursor) {
      auto rotated = FindRotated(path, *cursor);
      if (!rotated) return rotated.error();
      if (*rotated) {
        TailFile& old = **rotated;
        feed.SetState(SourceState::kFollowing, old.path);
        CB_RETURN_IF_ERROR(StartAt(old, cursor->offset, feed.last_line()));
        CB_RETURN_IF_ERROR(follow.Finish(old));
      }
    }
    if (cur) CB_RETURN_IF_ERROR(StartAt(*cur, 0, feed.last_line()));
  }

  while (!ctx_.stop.triggered()) {
    if (!cur) {
      auto f = OpenFile(path);
      if (!f) return f.error();
      if (!*f) {
        feed.SetState(SourceState::kWaiting, "waiting for " + path + " to exist");
        ctx_.stop.WaitFor(ctx_.timings.poll);
        continue;
      }
      cur = std::move(*f);
      CB_RETURN_IF_ERROR(StartAt(*cur, 0, feed.last_line()));
    }
    feed.SetState(SourceState::kFollowing, path);
    if (follow.Truncated(*cur)) {
      // Commit up to here, then read the new content from its start.
      CB_RETURN_IF_ERROR(feed.Flush(follow.CursorOf(cur.get())));
      CB_RETURN_IF_ERROR(StartAt(*cur, 0, feed.last_line()));
    }
    CB_RETURN_IF_ERROR(follow.ReadAvailable(*cur));
    struct stat st {};
    if (stat(path.c_str(), &st) == 0 && (st.st_dev != cur->dev || st.st_ino != cur->ino)) {
      // Rotated: finish the old file, then start on the new one.
      CB_RETURN_IF_ERROR(follow.Finish(*cur));
      cur.reset();
      continue;
    }
    CB_RETURN_IF_ERROR(feed.FlushIfDue(follow.CursorOf(cur.get())));
    ctx_.stop.WaitFor(std::min(ctx_.timings.poll, feed.TimeToFlush(ctx_.timings.poll)));
  }
  return feed.Flush(follow.CursorOf(cur.get()));
}

}  // namespace callboard
