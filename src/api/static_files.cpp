#include "api/static_files.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace callboard {

namespace {

namespace fs = std::filesystem;

struct MimeType {
  std::string_view extension;
  std::string_view type;
};

constexpr MimeType kMimeTypes[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
    {".wasm", "application/wasm"},
};

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view ContentType(const fs::path& name) {
  std::string ext = Lower(name.extension().string());
  for (const MimeType& m : kMimeTypes) {
    if (m.extension == ext) return m.type;
  }
  return "application/octet-stream";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls f(item) for each comma-separated item of a header value, trimmed.
template <class F>
void ForEachListItem(std::string_view list, F f) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = Trim(list.substr(0, comma));
    if (!item.empty()) f(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

// Accept-Encoding lists gzip (or x-gzip) without q=0.
bool AcceptsGzip(std::string_view accept_encoding) {
  bool accepted = false;
  ForEachListItem(accept_encoding, [&](std::string_view item) {
    size_t semi = item.find(';');
    std::string coding = Lower(Trim(item.substr(0, semi)));
    if (coding != "gzip" && coding != "x-gzip") return;
    bool zero = false;
    if (semi != std::string_view::npos) {
      std::string params = Lower(item.substr(semi + 1));
      params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
      if (params.starts_with("q=0")) {
        std::string_view rest = std::string_view(params).substr(3);
        zero = rest.empty() || rest.find_first_not_of(".0") == std::string_view::npos;
      }
    }
    if (!zero) accepted = true;
  });
  return accepted;
}

// If-None-Match uses the weak comparison (RFC 9110 §13.1.2).
bool MatchesETag(std::string_view if_none_match, std::string_view etag) {
  bool match = false;
  ForEachListItem(if_none_match, [&](std::string_view item) {
    if (item == "*") match = true;
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == etag) match = true;
  });
  return match;
}

// The request path as a relative path of safe segments, or nullopt when a segment is refused.
std::optional<fs::path> SafeRelativePath(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  fs::path rel;
  while (!path.empty()) {
    path.remove_prefix(1);  // the '/'
    size_t slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    if (!segment.empty()) {
      // "." and ".." and hidden files; backslashes and NUL never name a web asset.
      if (segment.front() == '.') return std::nullopt;
      if (segment.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos) {
        return std::nullopt;
      }
      rel /= std::string(segment);
    }
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return rel;
}

bool IsWithin(const fs::path& path, const fs::path& root) {
  auto [root_end, path_end] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

struct FileInfo {
  fs::path real;  // canonical: symlinks resolved
  uintmax_t size = 0;
  int64_t mtime = 0;  // file clock ticks
};

std::string Hex(uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kHex[v & 0xf]);
    v >>= 4;
  } while (v != 0);
  return out;
}

std::string StrongETag(const FileInfo& f, bool gzip) {
  return "\"" + Hex(f.size) + "-" + Hex(static_cast<uint64_t>(f.mtime)) + (gzip ? "-gz" : "") +
         "\"";
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path root) {
  std::error_code ec;
  root_ = fs::canonical(root, ec);
  available_ = !ec && fs::is_directory(root_, ec);
}

std::optional<HttpResponse> StaticFiles::Serve(const HttpRequest& request) const {
  if (!available_) return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  const std::string& path = request.path;
  if (path == "/api" || path.starts_with("/api/")) return std::nullopt;
  std::optional<fs::path> rel = SafeRelativePath(path);
  if (!rel) return std::nullopt;

  // A regular file under the root, reached through `logical` (relative to the root).
  auto resolve = [&](const fs::path& logical) -> std::optional<FileInfo> {
    std::error_code ec;
    FileInfo info;
    info.real = fs::canonical(root_ / logical, ec);
    if (ec || !IsWithin(info.real, root_) || !fs::is_regular_file(info.real, ec)) {
      return std::nullopt;
    }
    info.size = fs::file_size(info.real, ec);
    if (ec) return std::nullopt;
    auto mtime = fs::last_write_time(info.real, ec);
    if (ec) return std::nullopt;
    info.mtime = static_cast<int64_t>(mtime.time_since_epoch().count());
    return info;
  };

  fs::path logical = *rel;
  std::optional<FileInfo> file = logical.empty() ? std::nullopt : resolve(logical);
  if (!file) {  // a directory: its index.html
    logical = *rel / "index.html";
    file = resolve(logical);
  }
  bool fallback = false;
  if (!file) {
    if (!rel->empty() && rel->filename().has_extension()) return std::nullopt;
    logical = "index.html";  // single-page app: the client-side router takes the path
    file = resolve(logical);
    fallback = true;
    if (!file) return std::nullopt;
  }

  std::optional<FileInfo> gz = resolve(fs::path(logical) += ".gz");
  bool use_gzip = false;
  if (gz) {
    auto accept = request.Header("accept-encoding");
    use_gzip = accept && AcceptsGzip(*accept);
  }
  const FileInfo& served = use_gzip ? *gz : *file;
  std::string etag = StrongETag(served, use_gzip);

  HttpResponse res;
  res.route = "static";
  res.SetHeader("ETag", etag);
  bool immutable = !fallback && path.starts_with("/assets/");
  res.SetHeader("Cache-Control", std::string(immutable ? kImmutable : kRevalidate));
  if (gz) res.SetHeader("Vary", "Accept-Encoding");

  if (auto inm = request.Header("if-none-match"); inm && MatchesETag(*inm, etag)) {
    res.status = 304;
    res.content_type.clear();
    return res;
  }
  res.status = 200;
  res.content_type = std::string(ContentType(logical.filename()));
  if (use_gzip) res.SetHeader("Content-Encoding", "gzip");
  res.file_path = served.real.string();
  return res;
}

}  // namespace callboard
