#include "live/live_message.h"

#include <zlib.h>

#include <stdexcept>

namespace callboard {

std::string DeflateRaw(std::string_view text) {
  z_stream zs{};
  // windowBits −15: raw DEFLATE with a 32 KiB window; memLevel 8 is zlib's default.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib: deflateInit2 failed");
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(text.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);  // deflateBound leaves room for all of it
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
  return out;
}

std::optional<std::string> InflateRaw(std::string_view bytes, size_t limit) {
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - zs.avail_out);
    if (out.size() > limit || (rc == Z_BUF_ERROR && zs.avail_in == 0)) break;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || out.size() > limit) return std::nullopt;
  return out;
}

const std::shared_ptr<const std::string>& LiveMessage::deflated() const {
  std::call_once(once_,
                 [this] { deflated_ = std::make_shared<const std::string>(DeflateRaw(*text_)); });
  return deflated_;
}

}  // namespace callboard
