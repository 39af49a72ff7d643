#pragma once
// RFC 4180 field splitting for one CSV record that fits on one line: quoted fields, doubled
// quotes inside them, delimiters inside quotes, empty unquoted fields. Records whose quoted
// fields span lines are not supported (no PBX writes them); such a line reports an
// unterminated quote.
// Thread-safety: pure functions.

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace callboard {

// Splits `line` into `fields` (replacing its contents; the vector's and strings' capacity is
// reused, so callers keep one vector per stream). An empty line yields one empty field.
// kInvalidArgument when a quote is not terminated or a closing quote is followed by anything
// but the delimiter. Lenient in one way only: a quote inside an unquoted field is literal.
Status SplitCsv(std::string_view line, std::vector<std::string>& fields, char delimiter = ',');

}  // namespace callboard
