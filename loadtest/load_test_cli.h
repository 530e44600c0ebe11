// The command line the three load testers share:
//
//   TOOL [-c FILE] [-p] [-P] [-w] [-h]
//
// -c loads a TOML config over the defaults, -p prints the defaults with their
// comments, -P the effective config, -w writes the workload's info hashes (an
// allow list for the tracker under test) and, for a tool with [requests]
// key_file, the peers' keys (a private tracker's key list), then exits. Exit
// codes: 0 success, 1 the test could not run (sockets, files), 2 bad usage or
// bad configuration (one line on stderr naming the key).
#ifndef AQUATIC_LOADTEST_LOAD_TEST_CLI_H_
#define AQUATIC_LOADTEST_LOAD_TEST_CLI_H_

#include <cstdint>
#include <functional>
#include <string>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "loadtest/workload.h"

namespace aquatic::loadtest {

// One load tester, as the shared command line sees it: its name and what it
// does its config. The config is a protobuf message the callbacks read.
template <typename Config>
struct LoadTestTool {
  // "udp": the usage line and the prefix of every message.
  const char* name;
  // What the tool loads and reports, for -h (lines ending in '\n').
  const char* description;
  absl::Status (*validate)(const Config&);
  std::string (*print)(const Config&);
  WorkloadOptions (*workload)(const Config&, uint64_t seed);
  // [requests] info_hash_file, or nullptr when the tool has no such key (no -w).
  const std::string& (*info_hash_file)(const Config&);
  // [requests] key_file (PeerKeys::WriteKeyFile), or nullptr when the tool
  // has no such key.
  const std::string& (*key_file)(const Config&);
  // Runs the load with `seed` (not 0), printing progress and the summary.
  absl::Status (*run)(const Config&, uint64_t seed);
};

namespace internal {

// LoadTestTool with the config type erased, for the non-template part.
struct ErasedLoadTestTool {
  const char* name;
  const char* description;
  std::function<absl::Status()> validate;
  std::function<std::string()> print;
  std::function<WorkloadOptions(uint64_t)> workload;
  std::function<const std::string&()> info_hash_file;  // empty: no -w
  std::function<const std::string&()> key_file;        // empty: no key file
  std::function<uint64_t()> configured_seed;           // [requests] seed, 0 = pick one
  std::function<absl::Status(uint64_t)> run;
};

int RunLoadTestCli(const ErasedLoadTestTool& tool, google::protobuf::Message* config, int argc,
                   char** argv);

}  // namespace internal

// The whole of a load tester's main(): parses argv, loads the config, then
// prints it, writes the info-hash and key files or runs the load. Returns the
// exit code.
template <typename Config>
int LoadTestMain(const LoadTestTool<Config>& tool, int argc, char** argv) {
  Config config;
  internal::ErasedLoadTestTool erased{
      tool.name,
      tool.description,
      [&] { return tool.validate(config); },
      [&] { return tool.print(config); },
      [&](uint64_t seed) { return tool.workload(config, seed); },
      nullptr,
      nullptr,
      [&] { return uint64_t{config.requests().seed()}; },
      [&](uint64_t seed) { return tool.run(config, seed); },
  };
  if (tool.info_hash_file != nullptr) {
    erased.info_hash_file = [&]() -> const std::string& { return tool.info_hash_file(config); };
  }
  if (tool.key_file != nullptr) {
    erased.key_file = [&]() -> const std::string& { return tool.key_file(config); };
  }
  return internal::RunLoadTestCli(erased, &config, argc, argv);
}

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_LOAD_TEST_CLI_H_
