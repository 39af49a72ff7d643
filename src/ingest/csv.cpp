#include "ingest/csv.h"

namespace callboard {

Status SplitCsv(std::string_view line, std::vector<std::string>& fields, char delimiter) {
  size_t count = 0;
  auto next_field = [&]() -> std::string& {
    if (count == fields.size()) fields.emplace_back();
    std::string& f = fields[count++];
    f.clear();
    return f;
  };
  size_t pos = 0;
  while (true) {
    std::string& field = next_field();
    if (pos < line.size() && line[pos] == '"') {
      const size_t open = pos;
      ++pos;
      while (true) {
        const size_t quote = line.find('"', pos);
        if (quote == std::string_view::npos) {
          fields.resize(count);
          return Status(StatusCode::kInvalidArgument, "unterminated quote in field " +
                                                          std::to_string(count) + " (column " +
                                                          std::to_string(open + 1) + ")");
        }
        field.append(line.substr(pos, quote - pos));
        pos = quote + 1;
        if (pos < line.size() && line[pos] == '"') {  // doubled quote
          field.push_back('"');
          ++pos;
          continue;
        }
        break;
      }
      if (pos < line.size() && line[pos] != delimiter) {
        fields.resize(count);
        return Status(StatusCode::kInvalidArgument,
                      "unexpected character after closing quote in field " + std::to_string(count) +
                          " (column " + std::to_string(pos + 1) + ")");
      }
    } else {
      const size_t end = line.find(delimiter, pos);
      const size_t stop = end == std::string_view::npos ? line.size() : end;
      field.assign(line.substr(pos, stop - pos));
      pos = stop;
    }
    if (pos >= line.size()) break;
    ++pos;  // the delimiter; a delimiter at the very end opens a last, empty field
    if (pos == line.size()) {
      next_field();
      break;
    }
  }
  fields.resize(count);
  return Status::Ok();
}

}  // namespace callboard
