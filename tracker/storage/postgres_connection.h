// PostgresConnection: a PostgreSQL server through libpq as an SqlConnection.
// A lost connection is re-established on the next query, so a server that
// restarts costs the tracker one failed flush, not a restart of its own.
// Statements time out instead of hanging a flush (statement_timeout), and a
// connection attempt gives up after connect_timeout, unless the connection
// string sets them.
#ifndef AQUATIC_TRACKER_STORAGE_POSTGRES_CONNECTION_H_
#define AQUATIC_TRACKER_STORAGE_POSTGRES_CONNECTION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tracker/storage/sql_connection.h"

struct pg_conn;

namespace aquatic::storage {

class PostgresConnection : public SqlConnection {
 public:
  // `conninfo`: a libpq connection string ("host=... dbname=..." or a
  // postgresql:// URI). A string libpq cannot parse is InvalidArgument; a
  // server that cannot be reached is Unavailable.
  static absl::StatusOr<std::unique_ptr<PostgresConnection>> Open(const std::string& conninfo);
  ~PostgresConnection() override;

  absl::StatusOr<std::vector<SqlRow>> Query(absl::string_view sql,
                                            absl::Span<const SqlParam> params) override;
  std::string Describe() const override { return description_; }

 private:
  PostgresConnection(pg_conn* connection, std::string description)
      : connection_(connection), description_(std::move(description)) {}
  // Reconnects if the connection was lost.
  absl::Status EnsureConnected();
  absl::Status Unavailable(absl::string_view what) const;

  pg_conn* connection_;
  std::string description_;
};

}  // namespace aquatic::storage

#endif  // AQUATIC_TRACKER_STORAGE_POSTGRES_CONNECTION_H_
