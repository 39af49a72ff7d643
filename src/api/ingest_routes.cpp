// Routes: ingest over HTTP (a PBX or a script posts a file's content) and the rejected
// lines.

#include <zlib.h>

#include <boost/json.hpp>
#include <cctype>
#include <istream>
#include <map>
#include <streambuf>

#include "api/api.h"
#include "api/rate_limiter.h"
#include "api/responses.h"
#include "ingest/importer.h"
#include "kpi/kpi_store.h"
#include "store/transaction.h"

namespace callboard {

namespace {

// Decompressed ingest bodies are limited like uncompressed ones (DESIGN §5).
constexpr size_t kMaxIngestBytes = 64 * 1024 * 1024;

// Inflates a gzip body (several concatenated members too) into `out`. kPayloadTooLarge past
// kMaxIngestBytes; kInvalidArgument naming "body" when the stream is corrupt or truncated.
Status Gunzip(std::string_view in, std::string& out) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Status::Internal("zlib: inflateInit2");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string chunk(1 << 16, '\0');
  Status result;
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
    zs.avail_out = static_cast<uInt>(chunk.size());
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.append(chunk.data(), chunk.size() - zs.avail_out);
    if (out.size() > kMaxIngestBytes) {
      result = Status(StatusCode::kPayloadTooLarge,
                      "decompressed body exceeds " + std::to_string(kMaxIngestBytes) + " bytes");
      break;
    }
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      if (inflateReset(&zs) != Z_OK) {  // the next gzip member
        result = Status::Internal("zlib: inflateReset");
        break;
      }
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      result = Status::Invalid(
          {{"body", "truncated_gzip", "the gzip stream ends early; nothing was imported"}},
          "truncated gzip body");
    } else {
      result = Status::Invalid(
          {{"body", "corrupt_gzip",
            std::string("not a valid gzip stream: ") + (zs.msg ? zs.msg : "inflate failed")}},
          "corrupt gzip body");
    }
    break;
  }
  inflateEnd(&zs);
  return result;
}

// An istream over a string it does not own.
class StringViewBuffer : public std::streambuf {
 public:
  explicit StringViewBuffer(std::string& text) {
    setg(text.data(), text.data(), text.data() + text.size());
  }
};

Result<ImportOptions> ReadImportOptions(const HttpRequest& req) {
  ImportOptions options;
  std::vector<FieldError> errors;
  const std::string format(req.PathParam("format").value_or(""));
  if (auto f = ParseSourceFormat(format)) {
    options.format = *f;
  } else {
    errors.push_back({"format", "invalid",
                      "unknown format '" + format.substr(0, 64) +
                          "'; one of asterisk-queue-log, asterisk-cdr, 3cx-cdr, freeswitch-cc, "
                          "calls-json, calls-csv"});
  }
  auto source = req.Query("source");
  if (!source || source->empty()) {
    errors.push_back({"source", "required", "is required: the name of the source"});
  } else if (source->size() > 100) {
    errors.push_back({"source", "too_long", "at most 100 characters"});
  } else {
    options.source_name = std::string(*source);
  }
  if (auto tz = req.Query("tz"); tz && !tz->empty()) options.parser.time_zone = std::string(*tz);
  if (auto columns = req.Query("columns"); columns && !columns->empty()) {
    std::string_view rest = *columns;
    for (;;) {
      const size_t comma = rest.find(',');
      options.parser.columns.emplace_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return options;
}

// The body as text: gunzipped when Content-Encoding says gzip; kInvalidArgument for other
// encodings and for content that is not text (a NUL byte in the first block).
Status ReadIngestBody(HttpRequest& req, std::string& text) {
  std::string encoding(req.Header("content-encoding").value_or(""));
  for (char& c : encoding) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (encoding == "gzip" || encoding == "x-gzip") {
    CB_RETURN_IF_ERROR(Gunzip(req.body, text));
    req.body.clear();
  } else if (encoding.empty() || encoding == "identity") {
    text = std::move(req.body);
  } else {
    return Status::Invalid({{"content-encoding", "unsupported",
                             "must be gzip or identity, got '" + encoding.substr(0, 32) + "'"}});
  }
  if (std::string_view(text).substr(0, kStreamIdentityBytes).find('\0') != std::string::npos) {
    return Status::Invalid(
        {{"body", "not_text", "the body is not text (binary content in the first block)"}});
  }
  return Status::Ok();
}

boost::json::object RejectJson(const StoredReject& r, const std::string& source) {
  return {{"id", r.id},         {"source_id", r.source_id}, {"source", source},
          {"stream", r.stream}, {"line", r.line},           {"reason", r.reason},
          {"raw", r.raw},       {"at", FormatRfc3339(r.at)}};
}

}  // namespace

void AddIngestRoutes(Router& router, ApiDeps& deps, RateLimiter& ingest_limiter) {
  router.Add({
      .method = "POST",
      .pattern = "/api/v1/ingest/{format}",
      .summary = "Ingest a file's content (the request body, text; Content-Encoding: gzip "
                 "accepted, at most 64 MiB decompressed) as one stream of the source named by "
                 "?source=, created on first use. The stream's identity is its first 64 KiB, so "
                 "a retried post is a no-op. Answers the summary with every rejected line (up to "
                 "1000). For API tokens with the ingest scope; rate-limited per token.",
      .permission = Permission::kIngest,
      .params = {{"format", "path", "string", true,
                  "asterisk-queue-log, asterisk-cdr, 3cx-cdr, freeswitch-cc, calls-json or "
                  "calls-csv"},
                 {"source", "query", "string", true, "source name"},
                 {"tz", "query", "string", false,
                  "IANA time zone of wall-clock timestamps (3CX, Asterisk CDR); default UTC"},
                 {"columns", "query", "string", false,
                  "3CX only: the configured CDR field list, comma-separated"}},
      .handler =
          [&deps, &ingest_limiter](RequestContext& ctx) {
            HttpRequest& req = ctx.request;
            if (!ingest_limiter.Allow(ctx.principal->actor())) {
              HttpResponse r = ErrorResponse(
                  Status(StatusCode::kRateLimited, "too many ingest requests for this token"),
                  req.request_id);
              r.SetHeader("Retry-After", "1");  // at 600 a minute a token is back within 1 s
              return r;
            }
            auto options = ReadImportOptions(req);
            if (!options) return ErrorResponse(options.error(), req.request_id);
            std::string text;
            if (Status s = ReadIngestBody(req, text); !s.ok())
              return ErrorResponse(s, req.request_id);
            const std::string stream =
                StreamIdentity(std::string_view(text).substr(0, kStreamIdentityBytes));
            StringViewBuffer buffer(text);
            std::istream in(&buffer);
            auto summary = deps.importer.Import(ctx.principal->tenant(), *options, in, stream);
            if (!summary) return ErrorResponse(summary.error(), req.request_id);
            boost::json::array rejects;
            for (const ParseReject& r : summary->rejects) {
              rejects.push_back({{"line", r.line}, {"reason", r.reason}, {"raw", r.raw}});
            }
            return JsonResponse(200, boost::json::object{{"accepted", summary->accepted},
                                                         {"duplicates", summary->duplicates},
                                                         {"rejected", summary->rejected},
                                                         {"calls", summary->calls},
                                                         {"rejects", std::move(rejects)}});
          },
  });

  router.Add({
      .method = "GET",
      .pattern = "/api/v1/ingest/rejects",
      .summary = "Rejected input lines, newest first: source, stream, line number, raw text and "
                 "reason.",
      .permission = Permission::kManageSources,
      .params = {{"limit", "query", "integer", false, "page size, 1..500 (default 100)"},
                 {"cursor", "query", "string", false, "next_cursor of the previous page"},
                 {"source_id", "query", "integer", false, "only this source"}},
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            auto page = ReadPage(req);
            if (!page) return ErrorResponse(page.error(), req.request_id);
            auto source_id = QueryInt(req, "source_id");
            if (!source_id) return ErrorResponse(source_id.error(), req.request_id);
            std::optional<Page<StoredReject>> rejects;
            std::map<int64_t, std::string> names;
            Status s = deps.db.Read([&](Transaction& tx) -> Status {
              auto sources = tx.Kpi().ListSources(ctx.principal->tenant());
              if (!sources) return sources.error();
              for (const IngestSource& src : *sources) names[src.id] = src.name;
              auto r = tx.Kpi().ListRejects(ctx.principal->tenant(), *source_id, *page);
              if (!r) return r.error();
              rejects = std::move(*r);
              return Status::Ok();
            });
            if (!s.ok()) return ErrorResponse(s, req.request_id);
            return JsonResponse(200, PageJson(*rejects, [&](const StoredReject& r) {
                                  return RejectJson(r, names[r.source_id]);
                                }));
          },
  });
}

}  // namespace callboard
