// Completed counts across restarts of the real `aquatic http` process, with
// SQLite and with a real PostgreSQL:
//   - a clean stop (SIGTERM) writes every count, the next start serves them
//     before any peer announces, and later completions add to them;
//   - SIGKILL loses at most the completions of the last flush_interval;
//   - (PostgreSQL) a database that goes away under load: every announce is
//     still answered, /metrics says the storage is down, and once the
//     database is back everything counted meanwhile is written.
// Usage: storage_restart_test AQUATIC (the BUILD target passes the binary).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "codec/http/http.codec.h"
#include "gtest/gtest.h"
#include "tracker/server/testing/http_client.h"
#include "tracker/storage/testing/postgres_server.h"

extern char** environ;

namespace aquatic {
namespace {

namespace http_wire = ::aquatic::codec::http;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using storage::testing::PostgresServer;

// argv[1]: the `aquatic` binary.
std::string g_binary;

using Hash = std::array<uint8_t, 20>;

// Distinct per seed, with bytes that need percent-encoding.
Hash MakeHash(uint8_t seed) {
  Hash hash{};
  for (size_t i = 0; i < hash.size(); ++i) hash[i] = static_cast<uint8_t>(0xa0 + seed + 7 * i);
  hash[0] = seed;
  return hash;
}

std::string Escape(absl::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
  return out;
}

std::string Escape(const Hash& hash) {
  return Escape(absl::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
}

// Every peer of the whole test binary is new: its own peer id and port.
int NextPeer() {
  static int next = 0;
  return ++next;
}

std::string PeerId(int peer) {
  char id[21];
  std::snprintf(id, sizeof(id), "-AQ0001-%012d", peer);
  return std::string(id, 20);
}

uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

bool Connectable(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return ok;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

std::string LastLine(const std::string& text) {
  absl::string_view view(text);
  while (!view.empty() && view.back() == '\n') view.remove_suffix(1);
  const size_t newline = view.rfind('\n');
  return std::string(newline == absl::string_view::npos ? view : view.substr(newline + 1));
}

// Polls `done` every `step` until it holds or `limit` passes (and at most
// limit/step + 1 times).
template <typename Done>
bool WaitFor(Done done, milliseconds limit, milliseconds step = milliseconds(100)) {
  const auto deadline = Clock::now() + limit;
  for (int64_t tries = limit / step + 1; tries > 0; --tries) {
    if (done()) return true;
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(step);
  }
  return done();
}

// One `aquatic http -c CONFIG` process, its stdout and stderr in `log`.
class Tracker {
 public:
  Tracker(std::string config_path, std::string log_path, uint16_t port)
      : config_path_(std::move(config_path)), log_path_(std::move(log_path)), port_(port) {}
  Tracker(const Tracker&) = delete;
  Tracker& operator=(const Tracker&) = delete;
  ~Tracker() {
    if (pid_ > 0) Kill().IgnoreError();
  }

  // Spawns the process and waits until the port accepts connections and
  // the start line is logged.
  absl::Status Start() {
    if (pid_ > 0) return absl::FailedPreconditionError("already running");
    std::vector<std::string> argv = {g_binary, "http", "-c", config_path_};
    std::vector<char*> args;
    for (std::string& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    // The child starts with default signal handling and nothing blocked.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int signal : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGUSR1}) sigaddset(&defaults, signal);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, args[0], &actions, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (spawned != 0) {
      return absl::InternalError(absl::StrCat("spawn ", g_binary, ": ", std::strerror(spawned)));
    }
    pid_ = pid;
    // Up to 100 x 100 ms for the port, giving up at once if it exited.
    bool exited = false;
    const bool listening = WaitFor(
        [&] {
          if (Reap(WNOHANG)) {
            exited = true;
            return true;
          }
          return Connectable(port_);
        },
        milliseconds(10000));
    if (exited) {
      return absl::InternalError(
          absl::StrCat("aquatic exited at start (", Describe(status_), "): ", Log()));
    }
    if (!listening) return absl::DeadlineExceededError("port not open after 10 s");
    // The start line follows the listeners within moments.
    if (!WaitFor([&] { return absl::StrContains(Log(), " serving "); }, milliseconds(5000))) {
      return absl::DeadlineExceededError("no start line after 5 s");
    }
    return absl::OkStatus();
  }

  // SIGTERM, then up to 15 s for the exit; SIGKILL after that (an error).
  // Returns the wait status.
  absl::StatusOr<int> Stop() {
    if (pid_ <= 0) return absl::FailedPreconditionError("not running");
    kill(pid_, SIGTERM);
    if (WaitFor([&] { return Reap(WNOHANG); }, milliseconds(15000), milliseconds(50))) {
      return status_;
    }
    Kill().IgnoreError();
    return absl::DeadlineExceededError("still running 15 s after SIGTERM: killed with SIGKILL");
  }

  absl::Status Kill() {
    if (pid_ <= 0) return absl::FailedPreconditionError("not running");
    kill(pid_, SIGKILL);
    if (WaitFor([&] { return Reap(WNOHANG); }, milliseconds(10000), milliseconds(20))) {
      return absl::OkStatus();
    }
    return absl::InternalError("no exit 10 s after SIGKILL");
  }

  bool running() const { return pid_ > 0; }
  std::string Log() const { return ReadFile(log_path_); }
  const std::string& log_path() const { return log_path_; }

  // From the start line: "metrics on http://127.0.0.1:PORT/metrics".
  uint16_t MetricsPort() const {
    const std::string log = Log();
    const std::string marker = "metrics on http://127.0.0.1:";
    const size_t at = log.find(marker);
    if (at == std::string::npos) return 0;
    const size_t begin = at + marker.size();
    const size_t end = log.find('/', begin);
    uint32_t port = 0;
    if (end == std::string::npos || !absl::SimpleAtoi(log.substr(begin, end - begin), &port)) {
      return 0;
    }
    return static_cast<uint16_t>(port);
  }

  static std::string Describe(int status) {
    if (WIFEXITED(status)) return absl::StrCat("exit code ", WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return absl::StrCat("signal ", WTERMSIG(status));
    return absl::StrCat("wait status ", status);
  }

 private:
  // True when the process is gone (its status in status_).
  bool Reap(int flags) {
    int status = 0;
    const pid_t reaped = waitpid(pid_, &status, flags);
    if (reaped == pid_ || (reaped < 0 && errno == ECHILD)) {
      status_ = status;
      pid_ = -1;
      return true;
    }
    return false;
  }

  std::string config_path_;
  std::string log_path_;
  uint16_t port_;
  pid_t pid_ = -1;
  int status_ = 0;
};

// An announce with event=completed from a new seeder; an error unless the
// reply is a 200 with a bencoded announce response that has an interval.
absl::Status Complete(uint16_t port, const Hash& hash) {
  const int peer = NextPeer();
  const std::string target = absl::StrCat(
      "/announce?info_hash=", Escape(hash), "&peer_id=", Escape(PeerId(peer)),
      "&port=", 10000 + peer, "&uploaded=0&downloaded=0&left=0&event=completed&compact=1");
  absl::StatusOr<http_client::HttpReply> reply = http_client::HttpRequest(port, "GET", target);
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) {
    return absl::InternalError(absl::StrCat("announce: HTTP ", reply->status, ": ", reply->body));
  }
  http_wire::AnnounceResponse response;
  if (absl::Status parsed = http_wire::Parse(reply->body, &response); !parsed.ok()) {
    return absl::InternalError(
        absl::StrCat("announce: not an announce response (", parsed.message(), "): ", reply->body));
  }
  if (response.interval <= 0) {
    return absl::InternalError(absl::StrCat("announce: no interval: ", reply->body));
  }
  return absl::OkStatus();
}

#define ASSERT_COMPLETE(port, hash)                      \
  do {                                                   \
    const absl::Status completed = Complete(port, hash); \
    ASSERT_TRUE(completed.ok()) << completed;            \
  } while (false)

// The log is printed by TearDown.
#define ASSERT_STARTED(tracker)                        \
  do {                                                 \
    const absl::Status started = (tracker).Start();    \
    ASSERT_TRUE(started.ok()) << "start: " << started; \
  } while (false)

struct Counts {
  int64_t downloaded = -1;
  int64_t complete = -1;
  int64_t incomplete = -1;
};

std::ostream& operator<<(std::ostream& out, const Counts& counts) {
  return out << "{downloaded " << counts.downloaded << ", complete " << counts.complete
             << ", incomplete " << counts.incomplete << "}";
}

// The scrape counts of each hash, in order.
absl::StatusOr<std::vector<Counts>> Scrape(uint16_t port, const std::vector<Hash>& hashes) {
  std::string target = "/scrape?";
  for (const Hash& hash : hashes) {
    absl::StrAppend(&target, target.back() == '?' ? "" : "&", "info_hash=", Escape(hash));
  }
  absl::StatusOr<http_client::HttpReply> reply = http_client::HttpRequest(port, "GET", target);
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) {
    return absl::InternalError(absl::StrCat("scrape: HTTP ", reply->status, ": ", reply->body));
  }
  http_wire::ScrapeResponse response;
  if (absl::Status parsed = http_wire::Parse(reply->body, &response); !parsed.ok()) {
    return absl::InternalError(
        absl::StrCat("scrape: not a scrape response (", parsed.message(), "): ", reply->body));
  }
  std::vector<Counts> counts;
  for (const Hash& hash : hashes) {
    bool found = false;
    for (const http_wire::ScrapeFile& file : response.files) {
      if (file.info_hash != hash) continue;
      counts.push_back({file.downloaded, file.complete, file.incomplete});
      found = true;
      break;
    }
    if (!found) {
      return absl::InternalError(
          absl::StrCat("scrape: no entry for ", Escape(hash), ": ", reply->body));
    }
  }
  return counts;
}

std::vector<int64_t> Downloaded(const std::vector<Counts>& counts) {
  std::vector<int64_t> downloaded;
  for (const Counts& count : counts) downloaded.push_back(count.downloaded);
  return downloaded;
}

// A sample without labels from a Prometheus text page.
std::optional<double> Metric(const std::string& page, absl::string_view name) {
  for (absl::string_view line : absl::StrSplit(page, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(line, absl::MaxSplits(' ', 1));
    double value = 0;
    if (parts.first == name && absl::SimpleAtod(parts.second, &value)) return value;
  }
  return std::nullopt;
}

enum class Backend { kSqlite, kPostgresql };

std::string BackendName(Backend backend) {
  return backend == Backend::kSqlite ? "sqlite" : "postgresql";
}

void PrintTo(Backend backend, std::ostream* out) { *out << BackendName(backend); }

class StorageRestartTestBase : public ::testing::Test {
 protected:
  void StartDatabase(Backend backend) {
    backend_ = backend;
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    name_ = absl::StrCat(info->test_suite_name(), ".", info->name());
    for (char& c : name_) {
      if (c == '/' || c == '.') c = '_';
    }
    if (backend == Backend::kPostgresql) {
      absl::StatusOr<std::unique_ptr<PostgresServer>> server = PostgresServer::Start();
      ASSERT_TRUE(server.ok()) << server.status();
      postgres_ = *std::move(server);
    } else {
      sqlite_path_ = absl::StrCat(TmpDir(), "/", name_, ".sqlite3");
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::remove(absl::StrCat(sqlite_path_, suffix).c_str());
      }
    }
  }

  static std::string TmpDir() {
    const char* dir = std::getenv("TEST_TMPDIR");
    return dir != nullptr && *dir != '\0' ? dir : "/tmp";
  }

  // Writes the tracker's config file; returns its path.
  std::string WriteConfig(uint16_t port, int flush_interval, bool metrics) {
    std::string storage = absl::StrCat("backend = \"", BackendName(backend_), "\"\n");
    if (backend_ == Backend::kSqlite) {
      absl::StrAppend(&storage, "path = \"", sqlite_path_, "\"\n");
    } else {
      absl::StrAppend(&storage, "url = \"", postgres_->conninfo(), "\"\n");
    }
    const std::string config = absl::StrCat(
        "log_level = \"info\"\n"
        "socket_workers = 1\n"
        "[network]\n"
        "address_ipv4 = \"127.0.0.1:",
        port, "\"\n",
        "use_ipv4 = true\n"
        "use_ipv6 = false\n"
        "[statistics]\n"
        "run_prometheus_endpoint = ",
        metrics ? "true" : "false", "\n",
        "prometheus_endpoint_address = \"127.0.0.1:0\"\n"
        "[storage]\n",
        storage, "flush_interval = ", flush_interval, "\n");
    const std::string path = absl::StrCat(TmpDir(), "/", name_, ".toml");
    std::ofstream(path) << config;
    return path;
  }

  // A tracker process of this test; its log is printed if the test fails.
  Tracker& NewTracker(const std::string& config_path, uint16_t port) {
    const std::string log =
        absl::StrCat(TmpDir(), "/", name_, ".run", trackers_.size() + 1, ".log");
    trackers_.push_back(std::make_unique<Tracker>(config_path, log, port));
    return *trackers_.back();
  }

  // Stops with SIGTERM: a clean exit whose last line says it stopped.
  void StopCleanly(Tracker& tracker) {
    absl::StatusOr<int> status = tracker.Stop();
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "after SIGTERM: " << Tracker::Describe(*status);
    const std::string log = tracker.Log();
    EXPECT_TRUE(absl::EndsWith(LastLine(log), " INFO stopped")) << "last line: " << LastLine(log);
    EXPECT_FALSE(absl::StrContains(log, " are lost")) << "counts lost at a clean stop";
  }

  void TearDown() override {
    for (auto& tracker : trackers_) {
      if (tracker->running()) tracker->Kill().IgnoreError();
    }
    if (HasFailure()) {
      for (const auto& tracker : trackers_) {
        std::printf("---- %s ----\n%s---- end ----\n", tracker->log_path().c_str(),
                    tracker->Log().c_str());
      }
      if (postgres_ != nullptr) {
        std::printf("---- PostgreSQL log ----\n%s---- end ----\n", postgres_->Log().c_str());
      }
    }
    trackers_.clear();
    postgres_.reset();
  }

  Backend backend_ = Backend::kSqlite;
  std::string name_;
  std::string sqlite_path_;
  std::unique_ptr<PostgresServer> postgres_;
  std::vector<std::unique_ptr<Tracker>> trackers_;
};

class StorageRestartTest : public StorageRestartTestBase,
                           public ::testing::WithParamInterface<Backend> {
 protected:
  void SetUp() override { StartDatabase(GetParam()); }
};

TEST_P(StorageRestartTest, CleanRestartKeepsEveryCount) {
  const uint16_t port = FreePort();
  ASSERT_NE(port, 0);
  // An interval far longer than the test: only the clean stop writes.
  const std::string config = WriteConfig(port, 3600, /*metrics=*/false);
  const Hash a = MakeHash(1), b = MakeHash(2);

  Tracker& first = NewTracker(config, port);
  ASSERT_STARTED(first);
  EXPECT_TRUE(absl::StrContains(first.Log(), "0 completed counts")) << first.Log();
  for (int i = 0; i < 3; ++i) ASSERT_COMPLETE(port, a);
  for (int i = 0; i < 5; ++i) ASSERT_COMPLETE(port, b);
  absl::StatusOr<std::vector<Counts>> counts = Scrape(port, {a, b});
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(Downloaded(*counts), (std::vector<int64_t>{3, 5}));
  EXPECT_EQ((*counts)[0].complete, 3);
  EXPECT_EQ((*counts)[1].complete, 5);
  ASSERT_NO_FATAL_FAILURE(StopCleanly(first));

  // Same config: the counts are served before any peer announces.
  Tracker& second = NewTracker(config, port);
  ASSERT_STARTED(second);
  EXPECT_TRUE(absl::StrContains(second.Log(), ": 2 completed counts")) << second.Log();
  counts = Scrape(port, {a, b});
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(Downloaded(*counts), (std::vector<int64_t>{3, 5}));
  for (const Counts& count : *counts) {
    EXPECT_EQ(count.complete, 0) << count;
    EXPECT_EQ(count.incomplete, 0) << count;
  }
  // New completions add to the stored counts.
  ASSERT_COMPLETE(port, a);
  ASSERT_COMPLETE(port, b);
  counts = Scrape(port, {a, b});
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(Downloaded(*counts), (std::vector<int64_t>{4, 6}));
  ASSERT_NO_FATAL_FAILURE(StopCleanly(second));

  // What the second run wrote adds to what the first wrote.
  Tracker& third = NewTracker(config, port);
  ASSERT_STARTED(third);
  counts = Scrape(port, {a, b});
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(Downloaded(*counts), (std::vector<int64_t>{4, 6}));
  ASSERT_NO_FATAL_FAILURE(StopCleanly(third));
}

TEST_P(StorageRestartTest, KillNineLosesAtMostOneInterval) {
  const uint16_t port = FreePort();
  ASSERT_NE(port, 0);
  const std::string config = WriteConfig(port, 1, /*metrics=*/false);
  const Hash a = MakeHash(3), b = MakeHash(4);
  // More than two flush intervals: what was counted before is written.
  const milliseconds kTwoIntervals(2600);

  Tracker& first = NewTracker(config, port);
  ASSERT_STARTED(first);
  for (int i = 0; i < 4; ++i) ASSERT_COMPLETE(port, a);
  for (int i = 0; i < 2; ++i) ASSERT_COMPLETE(port, b);
  std::this_thread::sleep_for(kTwoIntervals);
  ASSERT_TRUE(first.Kill().ok());

  Tracker& second = NewTracker(config, port);
  ASSERT_STARTED(second);
  absl::StatusOr<std::vector<Counts>> counts = Scrape(port, {a, b});
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(Downloaded(*counts), (std::vector<int64_t>{4, 2})) << "lost after SIGKILL";
  // Written again after more completions: 6 and 2 are stored...
  for (int i = 0; i < 2; ++i) ASSERT_COMPLETE(port, a);
  std::this_thread::sleep_for(kTwoIntervals);
  // ...and what comes right before SIGKILL may be lost, nothing else.
  for (int i = 0; i < 3; ++i) ASSERT_COMPLETE(port, a);
  for (int i = 0; i < 2; ++i) ASSERT_COMPLETE(port, b);
  ASSERT_TRUE(second.Kill().ok());

  Tracker& third = NewTracker(config, port);
  ASSERT_STARTED(third);
  counts = Scrape(port, {a, b});
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_GE((*counts)[0].downloaded, 6);
  EXPECT_LE((*counts)[0].downloaded, 9);
  EXPECT_GE((*counts)[1].downloaded, 2);
  EXPECT_LE((*counts)[1].downloaded, 4);
  std::printf("after the second SIGKILL: %lld of 9 and %lld of 4 kept\n",
              static_cast<long long>((*counts)[0].downloaded),
              static_cast<long long>((*counts)[1].downloaded));
  ASSERT_NO_FATAL_FAILURE(StopCleanly(third));
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageRestartTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgresql),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return BackendName(param_info.param);
                         });

class PostgresOutageTest : public StorageRestartTestBase {
 protected:
  void SetUp() override { StartDatabase(Backend::kPostgresql); }
};

TEST_F(PostgresOutageTest, DatabaseOutageUnderLoad) {
  const uint16_t port = FreePort();
  ASSERT_NE(port, 0);
  const std::string config = WriteConfig(port, 1, /*metrics=*/true);
  const Hash a = MakeHash(5), b = MakeHash(6);
  Tracker& first = NewTracker(config, port);
  ASSERT_STARTED(first);
  const uint16_t metrics_port = first.MetricsPort();
  ASSERT_NE(metrics_port, 0) << first.Log();
  auto metrics = [&] { return http_client::HttpGet(metrics_port, "/metrics"); };

  // Before the outage: written, nothing pending.
  ASSERT_COMPLETE(port, a);
  ASSERT_COMPLETE(port, b);
  std::string page;
  ASSERT_TRUE(WaitFor(
      [&] {
        page = metrics();
        return Metric(page, "aquatic_storage_flushes_total").value_or(0) >= 1 &&
               Metric(page, "aquatic_storage_pending_changes") == 0.0 &&
               Metric(page, "aquatic_storage_up") == 1.0;
      },
      milliseconds(10000)))
      << page;
  std::vector<int64_t> expected = {1, 1};

  ASSERT_TRUE(postgres_->Stop().ok());
  // 10 s of completions, one every 50 ms: every one answered.
  int announces = 0, failures = 0;
  bool seen_down = false;
  std::string first_failure;
  milliseconds slowest(0);
  const auto load_end = Clock::now() + milliseconds(10000);
  auto next_metrics = Clock::now() + milliseconds(1000);
  for (int i = 0; i < 400 && Clock::now() < load_end; ++i) {
    const int which = i % 2;
    const auto sent = Clock::now();
    const absl::Status status = Complete(port, which == 0 ? a : b);
    slowest = std::max(slowest, std::chrono::duration_cast<milliseconds>(Clock::now() - sent));
    ++announces;
    if (status.ok()) {
      ++expected[which];
    } else if (failures++ == 0) {
      first_failure = std::string(status.message());
    }
    if (!seen_down && Clock::now() >= next_metrics) {
      page = metrics();
      seen_down = Metric(page, "aquatic_storage_up") == 0.0 &&
                  Metric(page, "aquatic_storage_errors_total").value_or(0) > 0 &&
                  Metric(page, "aquatic_storage_pending_changes").value_or(0) > 0;
      next_metrics = Clock::now() + milliseconds(500);
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  std::printf("outage: %d announces, slowest %lld ms\n", announces,
              static_cast<long long>(slowest.count()));
  EXPECT_EQ(failures, 0) << "of " << announces
                         << " announces during the outage; first: " << first_failure;
  EXPECT_GE(announces, 50);
  if (!seen_down) {
    page = metrics();
    seen_down = Metric(page, "aquatic_storage_up") == 0.0 &&
                Metric(page, "aquatic_storage_errors_total").value_or(0) > 0;
  }
  EXPECT_TRUE(seen_down) << "no aquatic_storage_up 0 with errors during the outage:\n" << page;
  // Served from memory meanwhile.
  absl::StatusOr<std::vector<Counts>> counts = Scrape(port, {a, b});
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(Downloaded(*counts), expected);
  EXPECT_TRUE(absl::StrContains(first.Log(), "storage: writing failed, serving on")) << first.Log();

  // Back: everything is written within the backoff (at most 30 s).
  ASSERT_TRUE(postgres_->Restart().ok());
  const auto back_at = Clock::now();
  EXPECT_TRUE(WaitFor(
      [&] {
        page = metrics();
        return Metric(page, "aquatic_storage_up") == 1.0 &&
               Metric(page, "aquatic_storage_pending_changes") == 0.0;
      },
      milliseconds(45000), milliseconds(200)))
      << "not written 45 s after PostgreSQL came back:\n"
      << page;
  std::printf("written %lld ms after PostgreSQL came back\n",
              static_cast<long long>(
                  std::chrono::duration_cast<milliseconds>(Clock::now() - back_at).count()));
  EXPECT_TRUE(absl::StrContains(first.Log(), " is back: wrote ")) << first.Log();
  ASSERT_NO_FATAL_FAILURE(StopCleanly(first));

  Tracker& second = NewTracker(config, port);
  ASSERT_STARTED(second);
  counts = Scrape(port, {a, b});
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(Downloaded(*counts), expected) << "after the outage and a restart";
  ASSERT_NO_FATAL_FAILURE(StopCleanly(second));
}

}  // namespace
}  // namespace aquatic

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s AQUATIC\n", argv[0]);
    return 2;
  }
  char* resolved = realpath(argv[1], nullptr);
  aquatic::g_binary = resolved != nullptr ? resolved : argv[1];
  std::free(resolved);
  if (access(aquatic::g_binary.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "%s is not executable\n", aquatic::g_binary.c_str());
    return 2;
  }
  return RUN_ALL_TESTS();
}
