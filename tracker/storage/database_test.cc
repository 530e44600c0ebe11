// The Database over both backends: an SQLite file, and a real PostgreSQL
// server started for the test.
#include "tracker/storage/database.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tracker/storage/postgres_connection.h"
#include "tracker/storage/sqlite_connection.h"
#include "tracker/storage/testing/postgres_server.h"

namespace aquatic::storage {
namespace {

InfoHash Hash(uint8_t seed) {
  InfoHash info_hash;
  for (size_t i = 0; i < info_hash.size(); ++i) info_hash[i] = static_cast<uint8_t>(seed + i);
  return info_hash;
}

enum class Backend { kSqlite, kPostgresql };

class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    config_.set_flush_interval(1);
    if (GetParam() == Backend::kSqlite) {
      config_.set_backend(config::STORAGE_BACKEND_SQLITE);
      std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      std::replace(name.begin(), name.end(), '/', '_');
      config_.set_path(absl::StrCat(::testing::TempDir(), "/database_test_", name, ".sqlite3"));
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::remove(absl::StrCat(config_.path(), suffix).c_str());
      }
    } else {
      absl::StatusOr<std::unique_ptr<testing::PostgresServer>> server =
          testing::PostgresServer::Start();
      ASSERT_TRUE(server.ok()) << server.status();
      postgres_ = *std::move(server);
      config_.set_backend(config::STORAGE_BACKEND_POSTGRESQL);
      config_.set_url(postgres_->conninfo());
    }
  }

  std::unique_ptr<Database> OpenOrDie() {
    absl::StatusOr<std::unique_ptr<Database>> database = Database::Open(config_);
    EXPECT_TRUE(database.ok()) << database.status();
    return database.ok() ? *std::move(database) : nullptr;
  }

  // A raw connection to the same database, for what the Database does not
  // offer (planting rows, reading the schema version).
  std::unique_ptr<SqlConnection> RawConnection() {
    if (GetParam() == Backend::kSqlite) return *SqliteConnection::Open(config_.path());
    return *PostgresConnection::Open(config_.url());
  }

  config::StorageConfig config_;
  std::unique_ptr<testing::PostgresServer> postgres_;
};

TEST_P(DatabaseTest, FreshDatabaseIsEmptyAndAtTheNewestSchema) {
  std::unique_ptr<Database> database = OpenOrDie();
  ASSERT_NE(database, nullptr);
  absl::StatusOr<std::vector<StoredCount>> counts = database->LoadCompleted();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_TRUE(counts->empty());
  absl::StatusOr<absl::flat_hash_set<InfoHash>> listed = database->LoadAccessList();
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_TRUE(listed->empty());
  absl::StatusOr<std::vector<SqlRow>> version =
      RawConnection()->Query("SELECT MAX(version) FROM aquatic_schema_version");
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(version->at(0).at(0), absl::StrCat(Database::kSchemaVersion));
}

TEST_P(DatabaseTest, CountsAddUpAcrossWritesAndReopens) {
  {
    std::unique_ptr<Database> database = OpenOrDie();
    ASSERT_NE(database, nullptr);
    Batch first;
    first.completed = {{SwarmKind::kIp, Hash(1), 3}, {SwarmKind::kWebTorrent, Hash(1), 2}};
    ASSERT_TRUE(database->Write(first).ok());
    Batch second;
    second.completed = {{SwarmKind::kIp, Hash(1), 4}, {SwarmKind::kIp, Hash(2), 1}};
    ASSERT_TRUE(database->Write(second).ok());
  }
  // Reopening migrates nothing and loses nothing.
  std::unique_ptr<Database> database = OpenOrDie();
  ASSERT_NE(database, nullptr);
  absl::StatusOr<std::vector<StoredCount>> counts = database->LoadCompleted();
  ASSERT_TRUE(counts.ok()) << counts.status();
  auto find = [&](SwarmKind swarm, const InfoHash& info_hash) -> int64_t {
    for (const StoredCount& count : *counts) {
      if (count.swarm == swarm && count.info_hash == info_hash) {
        return static_cast<int64_t>(count.completed);
      }
    }
    return -1;
  };
  EXPECT_EQ(counts->size(), 3u);
  EXPECT_EQ(find(SwarmKind::kIp, Hash(1)), 7);
  EXPECT_EQ(find(SwarmKind::kWebTorrent, Hash(1)), 2);
  EXPECT_EQ(find(SwarmKind::kIp, Hash(2)), 1);
}

TEST_P(DatabaseTest, LargeBatchesGoInSeveralStatements) {
  std::unique_ptr<Database> database = OpenOrDie();
  ASSERT_NE(database, nullptr);
  Batch batch;
  for (int i = 0; i < 1234; ++i) {
    InfoHash info_hash = Hash(0);
    info_hash[0] = static_cast<uint8_t>(i);
    info_hash[1] = static_cast<uint8_t>(i >> 8);
    batch.completed.push_back({SwarmKind::kIp, info_hash, static_cast<uint64_t>(i + 1)});
  }
  ASSERT_TRUE(database->Write(batch).ok());
  absl::StatusOr<std::vector<StoredCount>> counts = database->LoadCompleted();
  ASSERT_TRUE(counts.ok()) << counts.status();
  ASSERT_EQ(counts->size(), 1234u);
  uint64_t total = 0;
  for (const StoredCount& count : *counts) total += count.completed;
  EXPECT_EQ(total, 1234u * 1235u / 2);
}

TEST_P(DatabaseTest, AccessListEditsApplyInOrder) {
  std::unique_ptr<Database> database = OpenOrDie();
  ASSERT_NE(database, nullptr);
  Batch batch;
  batch.access_list = {{Hash(1), true}, {Hash(2), true}, {Hash(1), false},
                       {Hash(3), true}, {Hash(3), true}, {Hash(4), false}};
  ASSERT_TRUE(database->Write(batch).ok());
  absl::StatusOr<absl::flat_hash_set<InfoHash>> listed = database->LoadAccessList();
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(*listed, (absl::flat_hash_set<InfoHash>{Hash(2), Hash(3)}));
}

TEST_P(DatabaseTest, KeysAndTheirTransfersAddUp) {
  std::unique_ptr<Database> database = OpenOrDie();
  ASSERT_NE(database, nullptr);
  const TrackerKey alice = *ParseTrackerKey("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  const TrackerKey bob = *ParseTrackerKey("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
  Batch batch;
  batch.keys = {{{alice, 0}, true}, {{bob, 100}, true}, {{bob, 200}, true}, {{alice, 0}, false},
                {{alice, 300}, true}};
  batch.transfers = {{alice, {Hash(1), 1000, 10, 0}}, {bob, {Hash(1), 5, 7, 1}},
                     {alice, {Hash(2), 1, 2, 1}}};
  ASSERT_TRUE(database->Write(batch).ok());
  Batch more;
  more.transfers = {{alice, {Hash(1), 24, 0, 1}}};
  more.keys = {{{bob, 200}, false}};
  ASSERT_TRUE(database->Write(more).ok());

  database = OpenOrDie();
  absl::StatusOr<std::vector<StoredKey>> keys = database->LoadKeys();
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ(keys->front().key, alice);
  EXPECT_EQ(keys->front().valid_until, 300u);
  absl::StatusOr<std::vector<KeyTransfer>> transfers = database->LoadKeyTransfers(alice);
  ASSERT_TRUE(transfers.ok()) << transfers.status();
  ASSERT_EQ(transfers->size(), 2u);
  EXPECT_EQ((*transfers)[0].info_hash, Hash(1));
  EXPECT_EQ((*transfers)[0].uploaded, 1024u);
  EXPECT_EQ((*transfers)[0].downloaded, 10u);
  EXPECT_EQ((*transfers)[0].completed, 1u);
  EXPECT_EQ((*transfers)[1].info_hash, Hash(2));
  EXPECT_EQ((*transfers)[1].completed, 1u);
  // A revoked key's transfers stay: the community's accounting outlives it.
  transfers = database->LoadKeyTransfers(bob);
  ASSERT_TRUE(transfers.ok()) << transfers.status();
  ASSERT_EQ(transfers->size(), 1u);
  EXPECT_EQ((*transfers)[0].downloaded, 7u);
}

TEST_P(DatabaseTest, UnreadableRowsAreSkippedNotFatal) {
  std::unique_ptr<Database> database = OpenOrDie();
  ASSERT_NE(database, nullptr);
  std::unique_ptr<SqlConnection> raw = RawConnection();
  ASSERT_TRUE(raw->Query("INSERT INTO aquatic_torrents VALUES ('ip', 'not hex', 5)").ok());
  ASSERT_TRUE(raw->Query("INSERT INTO aquatic_torrents VALUES ('carrier-pigeon', $1, 5)",
                         {SqlParam{InfoHashToHex(Hash(9))}})
                  .ok());
  ASSERT_TRUE(
      raw->Query("INSERT INTO aquatic_torrents VALUES ('ip', $1, 6)", {SqlParam{InfoHashToHex(Hash(8))}})
          .ok());
  size_t skipped = 0;
  absl::StatusOr<std::vector<StoredCount>> counts = database->LoadCompleted(&skipped);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(skipped, 2u);
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ(counts->at(0).info_hash, Hash(8));
  EXPECT_EQ(counts->at(0).completed, 6u);
}

TEST_P(DatabaseTest, ANewerSchemaIsRefused) {
  ASSERT_NE(OpenOrDie(), nullptr);
  ASSERT_TRUE(RawConnection()
                  ->Query("INSERT INTO aquatic_schema_version (version) VALUES ($1)",
                          {SqlParam{int64_t{Database::kSchemaVersion + 1}}})
                  .ok());
  absl::StatusOr<std::unique_ptr<Database>> database = Database::Open(config_);
  ASSERT_FALSE(database.ok());
  EXPECT_NE(database.status().message().find("newer than this aquatic"), std::string::npos)
      << database.status();
  EXPECT_EQ(database.status().message().rfind("[storage] ", 0), 0u) << database.status();
}

TEST_P(DatabaseTest, RecordedBatchesAreKnownAfterwards) {
  std::unique_ptr<Database> database = OpenOrDie();
  ASSERT_NE(database, nullptr);
  Batch batch;
  batch.id = 0x1234567890;
  batch.completed.push_back({SwarmKind::kIp, Hash(1), 2});
  absl::StatusOr<bool> written = database->WasWritten(batch.id);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_FALSE(*written);
  ASSERT_TRUE(database->Write(batch).ok());
  written = database->WasWritten(batch.id);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_TRUE(*written);
  // The same id again is refused whole: nothing is counted twice.
  EXPECT_FALSE(database->Write(batch).ok());
  absl::StatusOr<std::vector<StoredCount>> counts = database->LoadCompleted();
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ(counts->front().completed, 2u);
}

TEST_P(DatabaseTest, AVersionOneDatabaseIsMigratedWithItsData) {
  {
    // What the first release made: schema 1 and a count.
    std::unique_ptr<SqlConnection> raw = RawConnection();
    for (const char* statement :
         {"CREATE TABLE aquatic_schema_version (version INTEGER NOT NULL)",
          "INSERT INTO aquatic_schema_version (version) VALUES (1)",
          "CREATE TABLE aquatic_torrents (swarm TEXT NOT NULL, info_hash TEXT NOT NULL,"
          " completed BIGINT NOT NULL, PRIMARY KEY (swarm, info_hash))",
          "CREATE TABLE aquatic_access_list (info_hash TEXT PRIMARY KEY,"
          " added_at BIGINT NOT NULL)",
          "INSERT INTO aquatic_torrents VALUES ('ip', "
          "'0102030405060708090a0b0c0d0e0f1011121314', 5)"}) {
      ASSERT_TRUE(raw->Query(statement).ok()) << statement;
    }
  }
  std::unique_ptr<Database> database = OpenOrDie();
  ASSERT_NE(database, nullptr);
  absl::StatusOr<std::vector<StoredCount>> counts = database->LoadCompleted();
  ASSERT_TRUE(counts.ok()) << counts.status();
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ(counts->front().completed, 5u);
  absl::StatusOr<std::vector<SqlRow>> version =
      RawConnection()->Query("SELECT MAX(version) FROM aquatic_schema_version");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->at(0).at(0), absl::StrCat(Database::kSchemaVersion));
  EXPECT_TRUE(database->WasWritten(7).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgresql),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param == Backend::kSqlite ? "Sqlite"
                                                                       : "Postgresql";
                         });

TEST(DatabaseOpenTest, ErrorsNameTheKey) {
  config::StorageConfig config;
  config.set_backend(config::STORAGE_BACKEND_SQLITE);
  config.set_path("/nonexistent-folder/aquatic.sqlite3");
  absl::StatusOr<std::unique_ptr<Database>> database = Database::Open(config);
  ASSERT_FALSE(database.ok());
  EXPECT_EQ(database.status().message().rfind("[storage] path: ", 0), 0u) << database.status();
  EXPECT_NE(database.status().message().find("backend = \"none\""), std::string::npos)
      << database.status();
  // A relative path says which directory it meant.
  config.set_path("nonexistent-folder/aquatic.sqlite3");
  database = Database::Open(config);
  ASSERT_FALSE(database.ok());
  EXPECT_NE(database.status().message().find("in the working directory /"), std::string::npos)
      << database.status();

  config.set_backend(config::STORAGE_BACKEND_POSTGRESQL);
  config.set_url("host=/nonexistent-folder password=secret-word");
  database = Database::Open(config);
  ASSERT_FALSE(database.ok());
  EXPECT_EQ(database.status().message().rfind("[storage] url: ", 0), 0u) << database.status();
  EXPECT_EQ(database.status().message().find("secret-word"), std::string::npos)
      << database.status();

  config.set_url("host='unterminated");
  database = Database::Open(config);
  ASSERT_FALSE(database.ok());
  EXPECT_EQ(database.status().code(), absl::StatusCode::kInvalidArgument) << database.status();

  config.set_backend(config::STORAGE_BACKEND_NONE);
  database = Database::Open(config);
  ASSERT_TRUE(database.ok());
  EXPECT_EQ(*database, nullptr);
}

}  // namespace
}  // namespace aquatic::storage
