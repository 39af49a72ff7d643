#pragma once
// FreeSWITCH mod_callcenter member-leg CDRs → CallRecord. Each line is either
//  - JSON (starts with '{'): a flat object of variables {"cc_queue":…}, or mod_json_cdr's
//    layout {"variables":{…},"callflow":…} whose values are URL-decoded (%XX) as json_cdr
//    encodes them; a variable missing from "variables" is looked up at the top level, then in
//    callflow's caller_profile (caller_id_number, destination_number, uuid);
//  - CSV (RFC 4180) after a header row naming the variables (a row with a "cc_queue" cell is a
//    header; the first CSV row must be one).
// Variables: cc_queue, cc_side, cc_agent, cc_queue_joined_epoch, cc_queue_answered_epoch,
// cc_queue_terminated_epoch, cc_queue_canceled_epoch (epoch seconds; empty or 0 = unset),
// cc_cause, cc_cancel_reason, uuid (else cc_member_session_uuid, else cc_member_uuid),
// caller_id_number (else cc_member_cid_number), destination_number, and the recording:
// cc_record_filename (mod_callcenter's recording of the member leg), else record_path.
//
// Only cc_side "member" legs become calls; "agent" legs are ignored (no item, no reject).
// The call: direction inbound, queue cc_queue, started_at = joined; answered (answered epoch
// set): answered_at = answered, ended_at = terminated (else canceled), agent = cc_agent,
// talk = end − answered; otherwise ended_at = canceled (else terminated) and outcome by
// cc_cancel_reason: BREAK_OUT, NONE or empty → abandoned; TIMEOUT, NO_AGENT_TIMEOUT → timeout;
// EXIT_WITH_KEY → exit_key. wait = (answered or ended) − joined.
// Rejected (reason names the variable): missing cc_side/cc_queue/joined/end/uuid, an unknown
// cc_side or cc_cancel_reason, non-numeric epochs, end before joined, answered outside the
// call, a call over 24 h, invalid JSON, a CSV row before any header or with the wrong count.
// Thread-safety: none (one parser per stream).

#include <string>
#include <vector>

#include "ingest/parsed.h"

namespace callboard {

class FreeswitchCcParser final : public LineParser {
 public:
  std::string_view HeaderLine() const override { return header_line_; }

 protected:
  void ParseRecord(std::string_view line, int64_t line_no, std::vector<ParsedItem>& out,
                   std::vector<ParseReject>& rejects) override;

 private:
  void ParseCsvRow(std::string_view line, int64_t line_no, std::vector<ParsedItem>& out,
                   std::vector<ParseReject>& rejects);

  std::vector<std::string> fields_;  // reused between lines
  std::vector<int> var_of_column_;   // CSV column → variable index, -1 = not ours
  std::string header_line_;          // empty until a valid header
};

}  // namespace callboard
