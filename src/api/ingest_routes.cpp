// Routes: ingest over HTTP (a PBX or a script posts a file's content) and the rejected
// lines.

#include <zlib.h>

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <istream>
#include <map>
#include <streambuf>

#include "api/api.h"
#include "api/rate_limiter.h"
#include "api/responses.h"
#include "auth/auth_service.h"
#include "core/clock.h"
#include "core/sha256.h"
#include "ingest/importer.h"
#include "ingest/sources/source_service.h"
#include "kpi/kpi_store.h"
#include "org/org_service.h"
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

// Signed posts: how far a signature's timestamp may be from now, either way.
constexpr int64_t kSignatureWindowSeconds = 300;

// Equal strings, in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// Checks a signed post (X-Callboard-Signature: sha256=<hex of HMAC-SHA256(secret, timestamp
// "." body)>, X-Callboard-Timestamp: unix seconds) against the webhook secret of the source
// named by ?source= in the tenant named by ?tenant=. The tenant's scope, or kUnauthenticated
// (the same answer for an unknown tenant, source or secret as for a wrong signature).
Result<TenantScope> VerifySignature(ApiDeps& deps, const HttpRequest& req,
                                    std::string_view signature, std::string_view timestamp) {
  auto tenant_name = req.Query("tenant");
  if (!tenant_name || tenant_name->empty()) {
    return Status::Invalid(
        {{"tenant", "required", "is required with a signature: the tenant's name"}});
  }
  auto source = req.Query("source");
  if (!source || source->empty()) {
    return Status::Invalid({{"source", "required", "is required: the name of the source"}});
  }
  int64_t at = 0;
  const auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), at);
  if (ec != std::errc() || end != timestamp.data() + timestamp.size()) {
    return Status::Unauthenticated("X-Callboard-Timestamp must be unix seconds");
  }
  const int64_t now = ToUnixMillis(deps.clock.Now()) / 1000;
  if (at < now - kSignatureWindowSeconds || at > now + kSignatureWindowSeconds) {
    return Status::Unauthenticated("X-Callboard-Timestamp is more than 300 s from now");
  }
  if (!signature.starts_with("sha256=")) {
    return Status::Unauthenticated("X-Callboard-Signature must be sha256=<hex>");
  }
  std::string given(signature.substr(7));
  for (char& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const Status wrong = Status::Unauthenticated("wrong signature");
  if (!deps.sources) return wrong;
  auto tenant = deps.org.FindTenant(std::string(*tenant_name));
  if (!tenant) {
    if (tenant.error().code() == StatusCode::kNotFound) return wrong;
    return tenant.error();
  }
  const TenantScope scope(tenant->id);
  auto secret = deps.sources->WebhookSecret(scope, std::string(*source));
  if (!secret) {
    if (secret.error().code() == StatusCode::kNotFound) return wrong;
    return secret.error();
  }
  if (secret->empty()) return wrong;
  std::string signed_text;
  signed_text.reserve(timestamp.size() + 1 + req.body.size());
  signed_text.append(timestamp).append(".").append(req.body);
  if (!ConstantTimeEquals(HmacSha256Hex(*secret, signed_text), given)) return wrong;
  return scope;
}

// Imports the body of an authenticated post into `tenant`, rate-limited by `limiter_key`.
HttpResponse Ingest(ApiDeps& deps, RateLimiter& ingest_limiter, HttpRequest& req,
                    TenantScope tenant, const std::string& limiter_key) {
  if (!ingest_limiter.Allow(limiter_key)) {
    HttpResponse r =
        ErrorResponse(Status(StatusCode::kRateLimited, "too many ingest requests for this token"),
                      req.request_id);
    r.SetHeader("Retry-After", "1");  // at 600 a minute a token is back within 1 s
    return r;
  }
  auto options = ReadImportOptions(req);
  if (!options) return ErrorResponse(options.error(), req.request_id);
  std::string text;
  if (Status s = ReadIngestBody(req, text); !s.ok()) return ErrorResponse(s, req.request_id);
  const std::string stream = StreamIdentity(std::string_view(text).substr(0, kStreamIdentityBytes));
  StringViewBuffer buffer(text);
  std::istream in(&buffer);
  auto summary = deps.importer.Import(tenant, *options, in, stream);
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
                 "1000). Authenticated by an API token with the ingest scope, or by a signature: "
                 "X-Callboard-Signature: sha256=<hex HMAC-SHA256 of timestamp \".\" body under "
                 "the source's webhook secret> with X-Callboard-Timestamp (unix seconds, within "
                 "300 s) and ?tenant=. Rate-limited per token or signed source.",
      .access = Access::kPublic,
      .own_auth = "ingest or signature",
      .params = {{"format", "path", "string", true,
                  "asterisk-queue-log, asterisk-cdr, 3cx-cdr, freeswitch-cc, calls-json or "
                  "calls-csv"},
                 {"source", "query", "string", true, "source name"},
                 {"tenant", "query", "string", false,
                  "signed posts only (then required): the tenant's name"},
                 {"tz", "query", "string", false,
                  "IANA time zone of wall-clock timestamps (3CX, Asterisk CDR); default UTC"},
                 {"columns", "query", "string", false,
                  "3CX only: the configured CDR field list, comma-separated"}},
      .handler =
          [&deps, &ingest_limiter](RequestContext& ctx) {
            HttpRequest& req = ctx.request;
            // A public route: it authenticates itself, by token (or session) or signature.
            std::optional<Authenticated> who;
            std::optional<TenantScope> tenant;
            std::string limiter_key;
            auto signature = req.Header("x-callboard-signature");
            auto timestamp = req.Header("x-callboard-timestamp");
            if (!req.Header("authorization") && signature && timestamp) {
              auto scope = VerifySignature(deps, req, *signature, *timestamp);
              if (!scope) return ErrorResponse(scope.error(), req.request_id);
              tenant = *scope;
              limiter_key = "webhook:" + std::to_string(scope->tenant_id()) + ":" +
                            std::string(req.Query("source").value_or(""));
              ctx.audit.actor = "webhook:" + std::string(req.Query("source").value_or(""));
            } else {
              auto authenticated = AuthenticateRequest(deps.auth, req);
              if (!authenticated) return ErrorResponse(authenticated.error(), req.request_id);
              who = std::move(*authenticated);
              if (!Can(who->principal, Permission::kIngest)) {
                HttpResponse r =
                    ErrorResponse(Status::Denied("requires the ingest permission"), req.request_id);
                r.user_id = who->principal.user_id;
                return r;
              }
              tenant = who->principal.tenant();
              limiter_key = who->principal.actor();
              ctx.audit.actor_user_id = who->principal.user_id;
              ctx.audit.actor = who->principal.actor();
            }
            HttpResponse resp = Ingest(deps, ingest_limiter, req, *tenant, limiter_key);
            if (who) resp.user_id = who->principal.user_id;
            return resp;
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
