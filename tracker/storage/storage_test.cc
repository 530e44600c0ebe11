// The Storage writer against real databases: counts reach the database on
// the interval and at stop, and a PostgreSQL server that goes away and comes
// back loses nothing.
#include "tracker/storage/storage.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tracker/storage/sqlite_connection.h"
#include "tracker/storage/testing/postgres_server.h"

namespace aquatic::storage {
namespace {

using std::chrono::milliseconds;

InfoHash Hash(uint8_t seed) {
  InfoHash info_hash{};
  info_hash[0] = seed;
  return info_hash;
}

config::StorageConfig SqliteConfig(absl::string_view name) {
  config::StorageConfig config;
  config.set_backend(config::STORAGE_BACKEND_SQLITE);
  config.set_path(absl::StrCat(::testing::TempDir(), "/storage_test_", name, ".sqlite3"));
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::remove(absl::StrCat(config.path(), suffix).c_str());
  }
  return config;
}

std::unique_ptr<Storage> OpenStorage(const config::StorageConfig& config,
                                     Storage::Options options) {
  absl::StatusOr<std::unique_ptr<Database>> database = Database::Open(config);
  EXPECT_TRUE(database.ok()) << database.status();
  if (!database.ok()) return nullptr;
  return std::make_unique<Storage>(*std::move(database), options);
}

uint64_t StoredCompleted(const config::StorageConfig& config, SwarmKind swarm,
                         const InfoHash& info_hash) {
  absl::StatusOr<std::unique_ptr<Database>> database = Database::Open(config);
  if (!database.ok()) return 0;
  absl::StatusOr<std::vector<StoredCount>> counts = (*database)->LoadCompleted();
  if (!counts.ok()) return 0;
  for (const StoredCount& count : *counts) {
    if (count.swarm == swarm && count.info_hash == info_hash) return count.completed;
  }
  return 0;
}

// Polls `done` every 20 ms for up to `limit`.
template <typename Done>
bool WaitFor(Done done, milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return done();
}

TEST(StorageTest, BackendNoneStoresNothing) {
  config::StorageConfig config;
  config.set_backend(config::STORAGE_BACKEND_NONE);
  absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open(config);
  ASSERT_TRUE(storage.ok()) << storage.status();
  EXPECT_EQ(*storage, nullptr);
}

TEST(StorageTest, TheWriterFlushesEveryInterval) {
  const config::StorageConfig config = SqliteConfig("interval");
  Storage::Options options;
  options.flush_interval = milliseconds(100);
  std::unique_ptr<Storage> storage = OpenStorage(config, options);
  ASSERT_NE(storage, nullptr);
  storage->Start();
  for (int i = 0; i < 5; ++i) storage->CountCompletion(SwarmKind::kIp, Hash(1));
  storage->CountCompletion(SwarmKind::kWebTorrent, Hash(1));
  EXPECT_TRUE(WaitFor([&] { return StoredCompleted(config, SwarmKind::kIp, Hash(1)) == 5; },
                      milliseconds(5000)));
  EXPECT_EQ(StoredCompleted(config, SwarmKind::kWebTorrent, Hash(1)), 1u);
  EXPECT_EQ(storage->pending(), 0u);
  EXPECT_TRUE(storage->healthy());
}

// A real SQLite connection whose next COMMIT goes wrong on cue: it fails
// before it is run (the transaction rolls back), or it is run and its answer
// is lost (as when the connection drops right after the server committed).
// The second is the one fault no real server can be made to show on cue.
class CommitFault : public SqlConnection {
 public:
  enum class Fault { kNone, kFailBeforeCommit, kLoseTheAnswer };

  explicit CommitFault(std::unique_ptr<SqlConnection> real) : real_(std::move(real)) {}
  void Arm(Fault fault) { fault_ = fault; }

  absl::StatusOr<std::vector<SqlRow>> Query(absl::string_view sql,
                                            absl::Span<const SqlParam> params) override {
    if (sql != "COMMIT" || fault_ == Fault::kNone) return real_->Query(sql, params);
    const Fault fault = fault_;
    fault_ = Fault::kNone;
    if (fault == Fault::kLoseTheAnswer) {
      absl::StatusOr<std::vector<SqlRow>> committed = real_->Query(sql, params);
      EXPECT_TRUE(committed.ok()) << committed.status();
    }
    return absl::UnavailableError("connection lost");
  }
  std::string Describe() const override { return real_->Describe(); }

 private:
  std::unique_ptr<SqlConnection> real_;
  Fault fault_ = Fault::kNone;
};

TEST(StorageTest, ARetriedBatchIsWrittenExactlyOnce) {
  const config::StorageConfig config = SqliteConfig("exactly_once");
  absl::StatusOr<std::unique_ptr<SqliteConnection>> sqlite = SqliteConnection::Open(config.path());
  ASSERT_TRUE(sqlite.ok()) << sqlite.status();
  auto fault = std::make_unique<CommitFault>(*std::move(sqlite));
  CommitFault* faults = fault.get();
  absl::StatusOr<std::unique_ptr<Database>> database = Database::Over(std::move(fault));
  ASSERT_TRUE(database.ok()) << database.status();
  Storage storage(*std::move(database), Storage::Options{});

  // Committed, but the writer never heard: the retry finds the batch there.
  for (int i = 0; i < 3; ++i) storage.CountCompletion(SwarmKind::kIp, Hash(1));
  storage.SetListed(Hash(2), true);
  faults->Arm(CommitFault::Fault::kLoseTheAnswer);
  EXPECT_FALSE(storage.Flush().ok());
  EXPECT_FALSE(storage.healthy());
  EXPECT_EQ(storage.pending(), 2u);
  // Meanwhile listed edits are still seen by a reload.
  absl::StatusOr<absl::flat_hash_set<InfoHash>> listed = storage.LoadAccessList();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->contains(Hash(2)));
  storage.CountCompletion(SwarmKind::kIp, Hash(1));
  ASSERT_TRUE(storage.Flush().ok());
  EXPECT_TRUE(storage.healthy());
  EXPECT_EQ(storage.pending(), 0u);
  EXPECT_EQ(StoredCompleted(config, SwarmKind::kIp, Hash(1)), 4u);

  // Rolled back: the retry writes it.
  for (int i = 0; i < 2; ++i) storage.CountCompletion(SwarmKind::kIp, Hash(1));
  faults->Arm(CommitFault::Fault::kFailBeforeCommit);
  EXPECT_FALSE(storage.Flush().ok());
  EXPECT_EQ(StoredCompleted(config, SwarmKind::kIp, Hash(1)), 4u);
  ASSERT_TRUE(storage.Flush().ok());
  EXPECT_EQ(StoredCompleted(config, SwarmKind::kIp, Hash(1)), 6u);
  storage.Stop();
}

TEST(StorageTest, StopWritesWhatIsPending) {
  const config::StorageConfig config = SqliteConfig("stop");
  Storage::Options options;
  options.flush_interval = std::chrono::hours(1);
  std::unique_ptr<Storage> storage = OpenStorage(config, options);
  ASSERT_NE(storage, nullptr);
  storage->Start();
  for (int i = 0; i < 3; ++i) storage->CountCompletion(SwarmKind::kIp, Hash(2));
  EXPECT_EQ(StoredCompleted(config, SwarmKind::kIp, Hash(2)), 0u);
  storage->Stop();
  EXPECT_EQ(StoredCompleted(config, SwarmKind::kIp, Hash(2)), 3u);
}

TEST(StorageTest, AccessListEditsAreWrittenAtOnce) {
  const config::StorageConfig config = SqliteConfig("edits");
  Storage::Options options;
  options.flush_interval = std::chrono::hours(1);
  std::unique_ptr<Storage> storage = OpenStorage(config, options);
  ASSERT_NE(storage, nullptr);
  storage->Start();
  storage->SetListed(Hash(3), true);
  storage->SetListed(Hash(4), true);
  storage->SetListed(Hash(3), false);
  EXPECT_TRUE(WaitFor(
      [&] {
        absl::StatusOr<std::unique_ptr<Database>> database = Database::Open(config);
        if (!database.ok()) return false;
        absl::StatusOr<absl::flat_hash_set<InfoHash>> listed = (*database)->LoadAccessList();
        return listed.ok() && *listed == absl::flat_hash_set<InfoHash>{Hash(4)};
      },
      milliseconds(5000)));
}

TEST(StorageTest, LoadAccessListIncludesEditsNotYetWritten) {
  const config::StorageConfig config = SqliteConfig("unwritten");
  std::unique_ptr<Storage> storage = OpenStorage(config, Storage::Options{});
  ASSERT_NE(storage, nullptr);
  storage->SetListed(Hash(5), true);  // no writer: stays pending
  absl::StatusOr<absl::flat_hash_set<InfoHash>> listed = storage->LoadAccessList();
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_TRUE(listed->contains(Hash(5)));
}

TEST(StorageTest, KeysAndTransfersReadBackBeforeAndAfterTheFlush) {
  const config::StorageConfig config = SqliteConfig("keys");
  std::unique_ptr<Storage> storage = OpenStorage(config, Storage::Options{});
  ASSERT_NE(storage, nullptr);
  const TrackerKey key = *ParseTrackerKey("YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ");
  storage->SetKey({key, 50}, true);
  storage->AddTransfer(key, {Hash(1), 100, 10, 0});
  storage->AddTransfer(key, {Hash(1), 1, 1, 1});
  storage->AddTransfer(*ParseTrackerKey("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"), {Hash(1), 7, 7, 7});
  // Pending only (no writer).
  absl::StatusOr<std::vector<StoredKey>> keys = storage->LoadKeys();
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ(keys->front().valid_until, 50u);
  absl::StatusOr<std::vector<KeyTransfer>> transfers = storage->LoadKeyTransfers(key);
  ASSERT_TRUE(transfers.ok()) << transfers.status();
  ASSERT_EQ(transfers->size(), 1u);
  EXPECT_EQ((*transfers)[0].uploaded, 101u);
  ASSERT_TRUE(storage->Flush().ok());
  // Written, plus more pending on top.
  storage->AddTransfer(key, {Hash(1), 1000, 0, 0});
  storage->SetKey({key, 50}, false);
  transfers = storage->LoadKeyTransfers(key);
  ASSERT_TRUE(transfers.ok()) << transfers.status();
  ASSERT_EQ(transfers->size(), 1u);
  EXPECT_EQ((*transfers)[0].uploaded, 1101u);
  EXPECT_EQ((*transfers)[0].downloaded, 11u);
  EXPECT_EQ((*transfers)[0].completed, 1u);
  keys = storage->LoadKeys();
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_TRUE(keys->empty());
  storage->Stop();
  absl::StatusOr<std::unique_ptr<Database>> database = Database::Open(config);
  ASSERT_TRUE(database.ok()) << database.status();
  transfers = (*database)->LoadKeyTransfers(key);
  ASSERT_TRUE(transfers.ok()) << transfers.status();
  ASSERT_EQ(transfers->size(), 1u);
  EXPECT_EQ((*transfers)[0].uploaded, 1101u);
}

TEST(StorageTest, APostgresqlOutageLosesNothing) {
  absl::StatusOr<std::unique_ptr<testing::PostgresServer>> server =
      testing::PostgresServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  config::StorageConfig config;
  config.set_backend(config::STORAGE_BACKEND_POSTGRESQL);
  config.set_url((*server)->conninfo());
  Storage::Options options;
  options.flush_interval = milliseconds(100);
  options.min_backoff = milliseconds(100);
  options.max_backoff = milliseconds(400);
  std::unique_ptr<Storage> storage = OpenStorage(config, options);
  ASSERT_NE(storage, nullptr);
  storage->Start();
  storage->CountCompletion(SwarmKind::kIp, Hash(6));
  ASSERT_TRUE(WaitFor([&] { return StoredCompleted(config, SwarmKind::kIp, Hash(6)) == 1; },
                      milliseconds(5000)));

  ASSERT_TRUE((*server)->Stop().ok());
  for (int i = 0; i < 10; ++i) storage->CountCompletion(SwarmKind::kIp, Hash(6));
  storage->SetListed(Hash(7), true);
  EXPECT_TRUE(WaitFor([&] { return !storage->healthy(); }, milliseconds(5000)));
  EXPECT_EQ(storage->pending(), 2u);  // one count, one edit
  PrometheusText text;
  storage->AddMetrics(&text);
  EXPECT_NE(text.Render().find("aquatic_storage_up 0"), std::string::npos) << text.Render();
  // The error, as the log shows it: one line, naming the database.
  const absl::Status failed = storage->Flush();
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.message().find('\n'), absl::string_view::npos) << failed;
  EXPECT_NE(failed.message().find("postgresql"), absl::string_view::npos) << failed;

  ASSERT_TRUE((*server)->Restart().ok());
  EXPECT_TRUE(WaitFor([&] { return storage->healthy() && storage->pending() == 0; },
                      milliseconds(10000)));
  EXPECT_EQ(StoredCompleted(config, SwarmKind::kIp, Hash(6)), 11u);
  absl::StatusOr<absl::flat_hash_set<InfoHash>> listed = storage->LoadAccessList();
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_TRUE(listed->contains(Hash(7)));
}

TEST(StorageTest, StopGivesUpOnADeadDatabaseInBoundedTime) {
  absl::StatusOr<std::unique_ptr<testing::PostgresServer>> server =
      testing::PostgresServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  config::StorageConfig config;
  config.set_backend(config::STORAGE_BACKEND_POSTGRESQL);
  config.set_url((*server)->conninfo());
  Storage::Options options;
  options.min_backoff = milliseconds(100);
  options.stop_deadline = milliseconds(500);
  std::unique_ptr<Storage> storage = OpenStorage(config, options);
  ASSERT_NE(storage, nullptr);
  storage->Start();
  ASSERT_TRUE((*server)->Stop().ok());
  storage->CountCompletion(SwarmKind::kIp, Hash(8));
  const auto start = std::chrono::steady_clock::now();
  storage->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(storage->pending(), 1u);
}

}  // namespace
}  // namespace aquatic::storage
