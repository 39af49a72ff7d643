#pragma once
// StaticFiles: serves the built web app (web/dist) for GET and HEAD of paths outside /api/.
//
//   StaticFiles web(options.web_root);
//   if (web.available()) {
//     if (auto res = web.Serve(req)) return std::move(*res);
//   }
//
// Only regular files inside the root are served: ".." segments, hidden (dot) files and
// symlinks leading out of the root are refused. Responses carry the MIME type, a strong ETag
// (size + mtime) honoured by If-None-Match (304), the precompressed "<file>.gz" when the client
// accepts gzip, and Cache-Control: immutable for /assets/ (content-hashed names), no-cache
// otherwise. A path without an extension that names no file gets /index.html, so that the
// single-page app can route it. The body is sent by the transport from
// HttpResponse::file_path.
//
// Thread-safety: immutable after construction; Serve may be called concurrently.

#include <filesystem>
#include <optional>

#include "api/http_message.h"

namespace callboard {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // True when the root is an existing directory.
  bool available() const { return available_; }

  // A 200 (file_path set) or 304 response, or nullopt when there is nothing to serve: not
  // GET/HEAD, an /api/ path, a refused path, or no such file.
  std::optional<HttpResponse> Serve(const HttpRequest& request) const;

 private:
  std::filesystem::path root_;  // canonical
  bool available_ = false;
};

}  // namespace callboard
