#include "tracker/storage/database.h"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <functional>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tracker/storage/postgres_connection.h"
#include "tracker/storage/sqlite_connection.h"

namespace aquatic::storage {
namespace {

// Each version's statements, applied in order in one transaction with the
// version row. A new feature that stores something adds a version; a version
// that shipped never changes.
struct Migration {
  int version;
  std::vector<const char*> statements;
};

const std::vector<Migration>& Migrations() {
  static const auto* migrations = new std::vector<Migration>{
      {1,
       {"CREATE TABLE aquatic_torrents ("
        " swarm TEXT NOT NULL,"
        " info_hash TEXT NOT NULL,"
        " completed BIGINT NOT NULL,"
        " PRIMARY KEY (swarm, info_hash))",
        "CREATE TABLE aquatic_access_list ("
        " info_hash TEXT PRIMARY KEY,"
        " added_at BIGINT NOT NULL)"}},
      {2,
       {"CREATE TABLE aquatic_flushes ("
        " id BIGINT PRIMARY KEY,"
        " written_at BIGINT NOT NULL)"}},
      {3,
       {"CREATE TABLE aquatic_keys ("
        " key TEXT PRIMARY KEY,"
        " valid_until BIGINT NOT NULL)",
        "CREATE TABLE aquatic_key_transfers ("
        " key TEXT NOT NULL,"
        " info_hash TEXT NOT NULL,"
        " uploaded BIGINT NOT NULL,"
        " downloaded BIGINT NOT NULL,"
        " completed BIGINT NOT NULL,"
        " PRIMARY KEY (key, info_hash))"}},
  };
  return *migrations;
}

// Rows per INSERT: a few hundred round trips fewer per thousand counts, and
// well under SQLite's 32766 parameters.
constexpr size_t kRowsPerInsert = 500;

// How long a batch id is remembered: far longer than any writer retries one
// batch.
constexpr int64_t kFlushIdSeconds = 7 * 24 * 3600;

std::optional<SwarmKind> ParseSwarmKind(absl::string_view name) {
  if (name == "ip") return SwarmKind::kIp;
  if (name == "webtorrent") return SwarmKind::kWebTorrent;
  return std::nullopt;
}

absl::Status Keyed(const absl::Status& status, absl::string_view key) {
  return absl::Status(status.code(), absl::StrCat("[storage] ", key, ": ", status.message()));
}

}  // namespace

absl::string_view SwarmKindName(SwarmKind swarm) {
  return swarm == SwarmKind::kIp ? "ip" : "webtorrent";
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const config::StorageConfig& config) {
  switch (config.backend()) {
    case config::STORAGE_BACKEND_NONE:
      return nullptr;
    case config::STORAGE_BACKEND_SQLITE: {
      if (config.path().empty()) {
        return absl::InvalidArgumentError("[storage] path: empty; name the SQLite file");
      }
      absl::StatusOr<std::unique_ptr<SqliteConnection>> connection =
          SqliteConnection::Open(config.path());
      if (!connection.ok()) {
        // The default file is relative: say where that was, and the ways out.
        std::string where;
        if (config.path().front() != '/') {
          char cwd[4096];
          if (getcwd(cwd, sizeof(cwd)) != nullptr) {
            absl::StrAppend(&where, " (in the working directory ", cwd, ")");
          }
        }
        return absl::Status(
            connection.status().code(),
            absl::StrCat("[storage] path: ", connection.status().message(), where,
                         "; set [storage] path to a writable place, or backend = \"none\" to "
                         "keep nothing across restarts"));
      }
      absl::StatusOr<std::unique_ptr<Database>> database = Over(*std::move(connection));
      if (!database.ok()) return Keyed(database.status(), "path");
      return database;
    }
    case config::STORAGE_BACKEND_POSTGRESQL: {
      if (config.url().empty()) {
        return absl::InvalidArgumentError(
            "[storage] url: empty; give a libpq connection string, e.g. "
            "\"host=/run/postgresql dbname=aquatic\"");
      }
      absl::StatusOr<std::unique_ptr<PostgresConnection>> connection =
          PostgresConnection::Open(config.url());
      if (!connection.ok()) return Keyed(connection.status(), "url");
      absl::StatusOr<std::unique_ptr<Database>> database = Over(*std::move(connection));
      if (!database.ok()) return Keyed(database.status(), "url");
      return database;
    }
  }
  return absl::InvalidArgumentError("[storage] backend: unknown");
}

absl::StatusOr<std::unique_ptr<Database>> Database::Over(
    std::unique_ptr<SqlConnection> connection) {
  std::unique_ptr<Database> database(new Database(std::move(connection)));
  if (absl::Status status = database->Migrate(); !status.ok()) return status;
  return database;
}

absl::Status Database::InTransaction(const std::function<absl::Status()>& work) {
  if (absl::StatusOr<std::vector<SqlRow>> begin = connection_->Query("BEGIN"); !begin.ok()) {
    return begin.status();
  }
  absl::Status status = work();
  if (status.ok()) {
    absl::StatusOr<std::vector<SqlRow>> commit = connection_->Query("COMMIT");
    if (commit.ok()) return absl::OkStatus();
    status = commit.status();
  }
  // The connection may be gone; the server rolls back on its own then.
  connection_->Query("ROLLBACK").IgnoreError();
  return status;
}

absl::Status Database::Migrate() {
  absl::StatusOr<std::vector<SqlRow>> created = connection_->Query(
      "CREATE TABLE IF NOT EXISTS aquatic_schema_version (version INTEGER NOT NULL)");
  if (!created.ok()) return created.status();
  absl::StatusOr<std::vector<SqlRow>> rows =
      connection_->Query("SELECT COALESCE(MAX(version), 0) FROM aquatic_schema_version");
  if (!rows.ok()) return rows.status();
  int version = 0;
  if (rows->size() != 1 || rows->front().size() != 1 ||
      !absl::SimpleAtoi(rows->front().front(), &version)) {
    return absl::InternalError(absl::StrCat(Describe(), ": unreadable schema version"));
  }
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat(Describe(), ": the database has schema version ", version,
                     ", newer than this aquatic knows (", kSchemaVersion,
                     "); run a newer aquatic against it"));
  }
  for (const Migration& migration : Migrations()) {
    if (migration.version <= version) continue;
    absl::Status status = InTransaction([&]() -> absl::Status {
      for (const char* statement : migration.statements) {
        if (absl::StatusOr<std::vector<SqlRow>> done = connection_->Query(statement); !done.ok()) {
          return done.status();
        }
      }
      return connection_
          ->Query("INSERT INTO aquatic_schema_version (version) VALUES ($1)",
                  {SqlParam{int64_t{migration.version}}})
          .status();
    });
    if (!status.ok()) {
      // Another tracker sharing the database may have migrated it meanwhile
      // (both saw the old version): then its tables are there.
      absl::StatusOr<std::vector<SqlRow>> now =
          connection_->Query("SELECT COALESCE(MAX(version), 0) FROM aquatic_schema_version");
      int reached = 0;
      if (now.ok() && now->size() == 1 && now->front().size() == 1 &&
          absl::SimpleAtoi(now->front().front(), &reached) && reached >= migration.version) {
        continue;
      }
      return absl::Status(status.code(), absl::StrCat("migrating to schema version ",
                                                      migration.version, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredCount>> Database::LoadCompleted(size_t* skipped) {
  absl::StatusOr<std::vector<SqlRow>> rows =
      connection_->Query("SELECT swarm, info_hash, completed FROM aquatic_torrents");
  if (!rows.ok()) return rows.status();
  std::vector<StoredCount> counts;
  counts.reserve(rows->size());
  size_t unreadable = 0;
  for (const SqlRow& row : *rows) {
    std::optional<SwarmKind> swarm = row.size() == 3 ? ParseSwarmKind(row[0]) : std::nullopt;
    std::optional<InfoHash> info_hash = row.size() == 3 ? ParseInfoHashHex(row[1]) : std::nullopt;
    uint64_t completed = 0;
    if (!swarm || !info_hash || !absl::SimpleAtoi(row[2], &completed)) {
      ++unreadable;
      continue;
    }
    counts.push_back({*swarm, *info_hash, completed});
  }
  if (skipped != nullptr) *skipped = unreadable;
  return counts;
}

absl::StatusOr<absl::flat_hash_set<InfoHash>> Database::LoadAccessList() {
  absl::StatusOr<std::vector<SqlRow>> rows =
      connection_->Query("SELECT info_hash FROM aquatic_access_list");
  if (!rows.ok()) return rows.status();
  absl::flat_hash_set<InfoHash> hashes;
  hashes.reserve(rows->size());
  for (const SqlRow& row : *rows) {
    if (std::optional<InfoHash> info_hash = ParseInfoHashHex(row.empty() ? "" : row[0])) {
      hashes.insert(*info_hash);
    }
  }
  return hashes;
}

absl::StatusOr<std::vector<StoredKey>> Database::LoadKeys(size_t* skipped) {
  absl::StatusOr<std::vector<SqlRow>> rows =
      connection_->Query("SELECT key, valid_until FROM aquatic_keys");
  if (!rows.ok()) return rows.status();
  std::vector<StoredKey> keys;
  keys.reserve(rows->size());
  size_t unreadable = 0;
  for (const SqlRow& row : *rows) {
    std::optional<TrackerKey> key = row.size() == 2 ? ParseTrackerKey(row[0]) : std::nullopt;
    int64_t valid_until = 0;
    if (!key || !absl::SimpleAtoi(row[1], &valid_until) || valid_until < 0) {
      ++unreadable;
      continue;
    }
    keys.push_back({*key, static_cast<uint64_t>(valid_until)});
  }
  if (skipped != nullptr) *skipped = unreadable;
  return keys;
}

absl::StatusOr<std::vector<KeyTransfer>> Database::LoadKeyTransfers(const TrackerKey& key) {
  absl::StatusOr<std::vector<SqlRow>> rows = connection_->Query(
      "SELECT info_hash, uploaded, downloaded, completed FROM aquatic_key_transfers"
      " WHERE key = $1 ORDER BY info_hash",
      {SqlParam{key.ToString()}});
  if (!rows.ok()) return rows.status();
  std::vector<KeyTransfer> transfers;
  transfers.reserve(rows->size());
  for (const SqlRow& row : *rows) {
    if (row.size() != 4) continue;
    std::optional<InfoHash> info_hash = ParseInfoHashHex(row[0]);
    KeyTransfer transfer;
    if (!info_hash || !absl::SimpleAtoi(row[1], &transfer.uploaded) ||
        !absl::SimpleAtoi(row[2], &transfer.downloaded) ||
        !absl::SimpleAtoi(row[3], &transfer.completed)) {
      continue;
    }
    transfer.info_hash = *info_hash;
    transfers.push_back(transfer);
  }
  return transfers;
}

absl::StatusOr<bool> Database::WasWritten(int64_t batch_id) {
  absl::StatusOr<std::vector<SqlRow>> rows = connection_->Query(
      "SELECT COUNT(*) FROM aquatic_flushes WHERE id = $1", {SqlParam{batch_id}});
  if (!rows.ok()) return rows.status();
  return rows->size() == 1 && rows->front().size() == 1 && rows->front().front() != "0";
}

absl::Status Database::Write(const Batch& batch) {
  if (batch.empty()) return absl::OkStatus();
  return InTransaction([&]() -> absl::Status {
    if (batch.id != 0) {
      const int64_t now = static_cast<int64_t>(std::time(nullptr));
      absl::StatusOr<std::vector<SqlRow>> done = connection_->Query(
          "DELETE FROM aquatic_flushes WHERE written_at < $1", {SqlParam{now - kFlushIdSeconds}});
      if (!done.ok()) return done.status();
      done = connection_->Query("INSERT INTO aquatic_flushes (id, written_at) VALUES ($1, $2)",
                                {SqlParam{batch.id}, SqlParam{now}});
      if (!done.ok()) return done.status();
    }
    for (size_t start = 0; start < batch.completed.size(); start += kRowsPerInsert) {
      const size_t end = std::min(batch.completed.size(), start + kRowsPerInsert);
      std::string sql = "INSERT INTO aquatic_torrents (swarm, info_hash, completed) VALUES ";
      std::vector<SqlParam> params;
      params.reserve(3 * (end - start));
      for (size_t i = start; i < end; ++i) {
        const Batch::Completed& row = batch.completed[i];
        const size_t n = params.size();
        absl::StrAppend(&sql, i == start ? "" : ",", "($", n + 1, ",$", n + 2, ",$", n + 3, ")");
        params.emplace_back(std::string(SwarmKindName(row.swarm)));
        params.emplace_back(InfoHashToHex(row.info_hash));
        params.emplace_back(static_cast<int64_t>(row.added));
      }
      absl::StrAppend(&sql,
                      " ON CONFLICT (swarm, info_hash) DO UPDATE SET"
                      " completed = aquatic_torrents.completed + excluded.completed");
      if (absl::StatusOr<std::vector<SqlRow>> done = connection_->Query(sql, params); !done.ok()) {
        return done.status();
      }
    }
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    for (const Batch::Listing& listing : batch.access_list) {
      absl::StatusOr<std::vector<SqlRow>> done =
          listing.listed
              ? connection_->Query(
                    "INSERT INTO aquatic_access_list (info_hash, added_at) VALUES ($1, $2)"
                    " ON CONFLICT (info_hash) DO NOTHING",
                    {SqlParam{InfoHashToHex(listing.info_hash)}, SqlParam{now}})
              : connection_->Query("DELETE FROM aquatic_access_list WHERE info_hash = $1",
                                   {SqlParam{InfoHashToHex(listing.info_hash)}});
      if (!done.ok()) return done.status();
    }
    for (const Batch::KeyEdit& edit : batch.keys) {
      absl::StatusOr<std::vector<SqlRow>> done =
          edit.present
              ? connection_->Query(
                    "INSERT INTO aquatic_keys (key, valid_until) VALUES ($1, $2)"
                    " ON CONFLICT (key) DO UPDATE SET valid_until = excluded.valid_until",
                    {SqlParam{edit.key.key.ToString()},
                     SqlParam{static_cast<int64_t>(edit.key.valid_until)}})
              : connection_->Query("DELETE FROM aquatic_keys WHERE key = $1",
                                   {SqlParam{edit.key.key.ToString()}});
      if (!done.ok()) return done.status();
    }
    for (size_t start = 0; start < batch.transfers.size(); start += kRowsPerInsert) {
      const size_t end = std::min(batch.transfers.size(), start + kRowsPerInsert);
      std::string sql =
          "INSERT INTO aquatic_key_transfers (key, info_hash, uploaded, downloaded, completed)"
          " VALUES ";
      std::vector<SqlParam> params;
      params.reserve(5 * (end - start));
      for (size_t i = start; i < end; ++i) {
        const Batch::Transfer& row = batch.transfers[i];
        const size_t n = params.size();
        absl::StrAppend(&sql, i == start ? "" : ",", "($", n + 1, ",$", n + 2, ",$", n + 3, ",$",
                        n + 4, ",$", n + 5, ")");
        params.emplace_back(row.key.ToString());
        params.emplace_back(InfoHashToHex(row.added.info_hash));
        params.emplace_back(static_cast<int64_t>(row.added.uploaded));
        params.emplace_back(static_cast<int64_t>(row.added.downloaded));
        params.emplace_back(static_cast<int64_t>(row.added.completed));
      }
      absl::StrAppend(&sql,
                      " ON CONFLICT (key, info_hash) DO UPDATE SET"
                      " uploaded = aquatic_key_transfers.uploaded + excluded.uploaded,"
                      " downloaded = aquatic_key_transfers.downloaded + excluded.downloaded,"
                      " completed = aquatic_key_transfers.completed + excluded.completed");
      if (absl::StatusOr<std::vector<SqlRow>> done = connection_->Query(sql, params); !done.ok()) {
        return done.status();
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace aquatic::storage
