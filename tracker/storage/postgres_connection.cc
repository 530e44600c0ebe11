#include "tracker/storage/postgres_connection.h"

#include <libpq-fe.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"

namespace aquatic::storage {
namespace {

// libpq's messages end with a newline.
// libpq's messages span lines ("server closed the connection
// unexpectedly\n\tThis probably means..."): one log line each, so that
// whatever reads the log sees one entry.
std::string Trimmed(const char* message) {
  std::string text(message == nullptr ? "" : message);
  absl::RemoveExtraAsciiWhitespace(&text);
  return text;
}

// "postgresql user@host:port/dbname" from the parsed connection string: what
// log lines may show (never the password).
std::string DescribeConnInfo(PQconninfoOption* options) {
  std::string user, host, port, dbname;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    const std::string keyword = option->keyword;
    if (keyword == "user") user = option->val;
    if (keyword == "host" || (keyword == "hostaddr" && host.empty())) host = option->val;
    if (keyword == "port") port = option->val;
    if (keyword == "dbname") dbname = option->val;
  }
  return absl::StrCat("postgresql ", user.empty() ? "" : absl::StrCat(user, "@"),
                      host.empty() ? "(default socket)" : host,
                      port.empty() ? "" : absl::StrCat(":", port),
                      dbname.empty() ? "" : absl::StrCat("/", dbname));
}

// Frees a PGresult however the query ends.
struct ResultCloser {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultCloser>;

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresConnection>> PostgresConnection::Open(
    const std::string& conninfo) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (options == nullptr) {
    // The message names the problem, not the string, which may hold a
    // password.
    std::string message = parse_error != nullptr ? Trimmed(parse_error) : "out of memory";
    PQfreemem(parse_error);
    return absl::InvalidArgumentError(absl::StrCat("not a libpq connection string: ", message));
  }
  std::string description = DescribeConnInfo(options);
  PQconninfoFree(options);
  // The defaults come first: a connection string that sets them wins. Over
  // TCP, a network that silently drops the connection mid-query is noticed
  // in about 10 s (unacknowledged data, keepalives) instead of the kernel's
  // ~15 minutes: a clean stop must not wait that long on the writer.
  const char* keywords[] = {"connect_timeout",  "options",           "application_name",
                            "keepalives_idle",  "keepalives_interval", "keepalives_count",
                            "tcp_user_timeout", "dbname",            nullptr};
  const char* values[] = {"5", "-c statement_timeout=10000", "aquatic", "5", "2", "3", "10000",
                          conninfo.c_str(), nullptr};
  PGconn* connection = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (connection == nullptr) return absl::ResourceExhaustedError("libpq: out of memory");
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string message = Trimmed(PQerrorMessage(connection));
    PQfinish(connection);
    return absl::UnavailableError(absl::StrCat(description, ": ", message));
  }
  // Warnings and notices ("relation already exists, skipping") are not for
  // the tracker's log.
  PQsetNoticeProcessor(connection, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PostgresConnection>(
      new PostgresConnection(connection, std::move(description)));
}

PostgresConnection::~PostgresConnection() { PQfinish(connection_); }

absl::Status PostgresConnection::Unavailable(absl::string_view what) const {
  return absl::UnavailableError(
      absl::StrCat(description_, ": ", what, ": ", Trimmed(PQerrorMessage(connection_))));
}

absl::Status PostgresConnection::EnsureConnected() {
  if (PQstatus(connection_) == CONNECTION_OK) return absl::OkStatus();
  PQreset(connection_);
  if (PQstatus(connection_) != CONNECTION_OK) return Unavailable("reconnect");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<SqlRow>> PostgresConnection::Query(absl::string_view sql,
                                                              absl::Span<const SqlParam> params) {
  if (absl::Status status = EnsureConnected(); !status.ok()) return status;
  // Text parameters: the server infers each one's type from the statement.
  std::vector<std::string> texts;
  texts.reserve(params.size());
  for (const SqlParam& param : params) {
    texts.push_back(std::holds_alternative<int64_t>(param)
                        ? absl::StrCat(std::get<int64_t>(param))
                        : std::get<std::string>(param));
  }
  std::vector<const char*> values;
  values.reserve(texts.size());
  for (const std::string& text : texts) values.push_back(text.c_str());
  const std::string statement(sql);
  Result result(PQexecParams(connection_, statement.c_str(), static_cast<int>(values.size()),
                             nullptr, values.data(), nullptr, nullptr, /*resultFormat=*/0));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    if (PQstatus(connection_) != CONNECTION_OK) return Unavailable("connection lost");
    const std::string message =
        result ? Trimmed(PQresultErrorMessage(result.get())) : Trimmed(PQerrorMessage(connection_));
    // Class 53 (insufficient resources: disk full, out of memory) and 57
    // (operator intervention: shutdown, statement timeout) pass.
    const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state == nullptr ? "" : state;
    std::string text = absl::StrCat(description_, ": ", message);
    if (sqlstate.rfind("53", 0) == 0 || sqlstate.rfind("57", 0) == 0 ||
        sqlstate.rfind("08", 0) == 0) {
      return absl::UnavailableError(text);
    }
    return absl::InternalError(text);
  }
  std::vector<SqlRow> rows;
  const int row_count = PQntuples(result.get());
  const int columns = PQnfields(result.get());
  rows.reserve(row_count);
  for (int row = 0; row < row_count; ++row) {
    SqlRow& out = rows.emplace_back();
    out.reserve(columns);
    for (int column = 0; column < columns; ++column) {
      out.emplace_back(PQgetvalue(result.get(), row, column),
                       static_cast<size_t>(PQgetlength(result.get(), row, column)));
    }
  }
  return rows;
}

}  // namespace aquatic::storage
