#include "ingest/importer.h"

#include "core/sha256.h"
#include "ingest/stream_ingestor.h"

namespace callboard {

std::string StreamIdentity(std::string_view first_bytes) {
  return Sha256Hex(first_bytes.substr(0, kStreamIdentityBytes));
}

Result<ImportSummary> Importer::Import(TenantScope scope, const ImportOptions& options,
                                       std::istream& input, const std::string& stream_id) {
  ImportOptions with_observer = options;
  if (with_observer.observer == nullptr) with_observer.observer = observer_;
  auto opened = StreamIngestor::Open(db_, clock_, scope, with_observer, stream_id);
  if (!opened) return opened.error();
  StreamIngestor& ingestor = **opened;
  const int64_t resume_after = ingestor.resume_after();

  int64_t line_no = 0;
  int64_t bytes = 0;
  int64_t batch_start = 0;
  std::string line;
  while (std::getline(input, line)) {
    ++line_no;
    bytes += static_cast<int64_t>(line.size()) + 1;
    if (line_no <= resume_after) {
      if (!IsBlankLine(line)) ingestor.CountDuplicate();
    } else {
      ingestor.Feed(line, line_no);
    }
    if (line_no - batch_start >= static_cast<int64_t>(options.batch_lines)) {
      CB_RETURN_IF_ERROR(ingestor.Flush());
      batch_start = line_no;
      if (options.progress) options.progress(bytes);
    }
  }
  if (input.bad()) return Status::Unavailable("read error after line " + std::to_string(line_no));
  CB_RETURN_IF_ERROR(ingestor.FinishInput());
  if (options.progress) options.progress(bytes);
  return ingestor.summary();
}

}  // namespace callboard
