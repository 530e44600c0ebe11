#include "tracker/storage/sqlite_connection.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace aquatic::storage {
namespace {

constexpr int kBusyTimeoutMilliseconds = 5000;

// Finalizes a statement however the query ends.
struct StatementCloser {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementCloser>;

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int result =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (result != SQLITE_OK) {
    const int system_errno = db != nullptr ? sqlite3_system_errno(db) : 0;
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result);
    if (system_errno != 0) absl::StrAppend(&message, ": ", std::strerror(system_errno));
    sqlite3_close(db);
    return absl::UnavailableError(absl::StrCat("sqlite ", path, ": ", message));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMilliseconds);
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db, path));
  // WAL: readers and the writer do not block each other. NORMAL: a commit
  // survives a crash of the process (not of the machine) without an fsync
  // per flush.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"}) {
    absl::StatusOr<std::vector<SqlRow>> rows = connection->Query(pragma, {});
    if (!rows.ok()) return rows.status();
  }
  return connection;
}

SqliteConnection::~SqliteConnection() { sqlite3_close(db_); }

std::string SqliteConnection::Describe() const { return absl::StrCat("sqlite ", path_); }

absl::Status SqliteConnection::Error(absl::string_view what) const {
  const int code = sqlite3_extended_errcode(db_);
  std::string message = absl::StrCat(Describe(), ": ", what, ": ", sqlite3_errmsg(db_));
  const int system_errno = sqlite3_system_errno(db_);
  if (system_errno != 0 && (code & 0xff) == SQLITE_IOERR) {
    absl::StrAppend(&message, " (", std::strerror(system_errno), ")");
  }
  // Busy, locked, full or failing I/O may pass; anything else is a bug or a
  // damaged file, which a retry will not fix but must not stop the tracker.
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

namespace {

// PostgreSQL's "$N" in SQLite's terms. SQLite files "$N" under its name
// and looks names up by a linear scan; "?N" it finds by number, but when it
// generates code it still scans its parameter list once for each "?N" (only
// a bare "?" is spared), so a batch of 500 rows with 2500 parameters costs
// millions of steps either way. The batches number their parameters in
// order ($1, $2, ... each once), which is exactly what bare "?"s mean:
// those become "?", any other use "?N". Statements here hold no '$' in
// literals.
std::string SqliteParameters(absl::string_view sql) {
  std::string anonymous;
  anonymous.reserve(sql.size());
  bool in_order = true;
  uint64_t expected = 1;
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != '$' || i + 1 >= sql.size() ||
        !absl::ascii_isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      anonymous.push_back(sql[i]);
      continue;
    }
    uint64_t number = 0;
    size_t end = i + 1;
    while (end < sql.size() && absl::ascii_isdigit(static_cast<unsigned char>(sql[end]))) {
      if (number < 1000000) number = number * 10 + static_cast<uint64_t>(sql[end] - '0');
      ++end;
    }
    in_order = in_order && number == expected;
    ++expected;
    anonymous.push_back('?');
    i = end - 1;
  }
  if (in_order) return anonymous;
  std::string numbered(sql);
  for (size_t i = 0; i + 1 < numbered.size(); ++i) {
    if (numbered[i] == '$' && absl::ascii_isdigit(static_cast<unsigned char>(numbered[i + 1]))) {
      numbered[i] = '?';
    }
  }
  return numbered;
}

}  // namespace

absl::StatusOr<std::vector<SqlRow>> SqliteConnection::Query(absl::string_view sql,
                                                            absl::Span<const SqlParam> params) {
  const std::string numbered = SqliteParameters(sql);
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, numbered.data(), static_cast<int>(numbered.size()), &raw,
                         nullptr) != SQLITE_OK) {
    return Error("prepare");
  }
  Statement statement(raw);
  // ? or ?N is parameter N: params[N - 1].
  const int parameter_count = sqlite3_bind_parameter_count(raw);
  if (static_cast<size_t>(parameter_count) > params.size()) {
    return absl::InternalError(absl::StrCat(Describe(), ": parameter ?", parameter_count,
                                            " not given"));
  }
  for (int i = 1; i <= parameter_count; ++i) {
    const SqlParam& param = params[i - 1];
    const int bound =
        std::holds_alternative<int64_t>(param)
            ? sqlite3_bind_int64(raw, i, std::get<int64_t>(param))
            : sqlite3_bind_text(raw, i, std::get<std::string>(param).data(),
                                static_cast<int>(std::get<std::string>(param).size()),
                                SQLITE_TRANSIENT);
    if (bound != SQLITE_OK) return Error("bind");
  }
  std::vector<SqlRow> rows;
  for (;;) {
    const int step = sqlite3_step(raw);
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) return Error("step");
    SqlRow& row = rows.emplace_back();
    const int columns = sqlite3_column_count(raw);
    row.reserve(columns);
    for (int column = 0; column < columns; ++column) {
      const unsigned char* text = sqlite3_column_text(raw, column);
      row.emplace_back(text == nullptr ? "" : reinterpret_cast<const char*>(text),
                       static_cast<size_t>(sqlite3_column_bytes(raw, column)));
    }
  }
  return rows;
}

}  // namespace aquatic::storage
