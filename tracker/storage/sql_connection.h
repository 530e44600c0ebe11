// SqlConnection: the little the storage needs from a database client, so
// that what it stores and how (tracker/storage/database.h) is written once
// for every backend: run one statement with parameters, get the rows back as
// text. SQL uses PostgreSQL's $1, $2, ... placeholders, which SQLite reads
// as named parameters. Not thread-safe: one user at a time.
#ifndef AQUATIC_TRACKER_STORAGE_SQL_CONNECTION_H_
#define AQUATIC_TRACKER_STORAGE_SQL_CONNECTION_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace aquatic::storage {

using SqlParam = std::variant<int64_t, std::string>;
// Each column as text ("" for NULL).
using SqlRow = std::vector<std::string>;

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  // Runs one statement; $N is params[N - 1]. A connection that was lost is
  // re-established first. Errors are Unavailable when the server cannot be
  // reached (worth a retry as is) and Internal otherwise.
  virtual absl::StatusOr<std::vector<SqlRow>> Query(absl::string_view sql,
                                                    absl::Span<const SqlParam> params = {}) = 0;

  // For log lines: the backend and where it is, never a password
  // ("sqlite /var/lib/aquatic/aquatic.sqlite3", "postgresql aquatic@/run/postgresql:5432/aquatic").
  virtual std::string Describe() const = 0;
};

}  // namespace aquatic::storage

#endif  // AQUATIC_TRACKER_STORAGE_SQL_CONNECTION_H_
