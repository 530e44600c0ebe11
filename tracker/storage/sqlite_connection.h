// SqliteConnection: an SQLite database file as an SqlConnection (the
// embedded default of [storage]). Write-ahead logging, so that a reader of
// the file (an operator's sqlite3 shell, a backup) never blocks a flush for
// long, and a busy timeout for the moments it does.
#ifndef AQUATIC_TRACKER_STORAGE_SQLITE_CONNECTION_H_
#define AQUATIC_TRACKER_STORAGE_SQLITE_CONNECTION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tracker/storage/sql_connection.h"

struct sqlite3;

namespace aquatic::storage {

class SqliteConnection : public SqlConnection {
 public:
  // Opens `path`, making the file if it does not exist.
  static absl::StatusOr<std::unique_ptr<SqliteConnection>> Open(const std::string& path);
  ~SqliteConnection() override;

  absl::StatusOr<std::vector<SqlRow>> Query(absl::string_view sql,
                                            absl::Span<const SqlParam> params) override;
  std::string Describe() const override;

 private:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  absl::Status Error(absl::string_view what) const;

  sqlite3* db_;
  std::string path_;
};

}  // namespace aquatic::storage

#endif  // AQUATIC_TRACKER_STORAGE_SQLITE_CONNECTION_H_
