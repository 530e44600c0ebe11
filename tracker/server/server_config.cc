#include "tracker/server/server_config.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tracker/base/config/config_comments.h"
#include "tracker/base/config/toml_config.h"
#include "tracker/base/control_loop.h"
#include "tracker/base/log.h"
#include "tracker/base/open_files.h"
#include "tracker/base/privileges.h"
#include "tracker/base/version.h"
#include "tracker/base/socket_address.h"

namespace aquatic {
namespace {

absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  return absl::Status(status.code(), absl::StrCat(prefix, ": ", status.message()));
}

// "[udp.network] " in `aquatic run`'s file, "[network] " in the protocol's own.
std::string TableOf(const ServerConfig& config, const Protocol& protocol) {
  return config.combined ? absl::StrCat(protocol.name(), ".") : "";
}

// Two sockets of one transport would share traffic (SO_REUSEPORT) when their
// ports match and one address covers the other.
bool Overlap(const SocketAddress& a, const SocketAddress& b) {
  if (a.is_ipv6() != b.is_ipv6() || a.port() == 0 || a.port() != b.port()) return false;
  return a.is_unspecified() || b.is_unspecified() || a.ToString() == b.ToString();
}

struct Listening {
  // "[udp.network] address_ipv4", "[api] address".
  std::string key;
  bool tcp;
  SocketAddress address;
};

absl::Status AddListening(Listening candidate, std::vector<Listening>* listening) {
  for (const Listening& other : *listening) {
    if (other.tcp != candidate.tcp || !Overlap(other.address, candidate.address)) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        other.key, " and ", candidate.key, ": both listen on ", candidate.address.ToString(),
        candidate.tcp ? " (TCP)" : " (UDP)", "; give them different ports"));
  }
  listening->push_back(std::move(candidate));
  return absl::OkStatus();
}

absl::Status CheckNoSharedPorts(const ServerConfig& config) {
  std::vector<Listening> listening;
  for (const auto& entry : config.front_ends) {
    if (!entry.protocol->Enabled(*entry.config)) continue;
    const config::ListenAddresses& listen = entry.protocol->Listen(*entry.config);
    for (const auto& [enabled, key, text] :
         {std::tuple{listen.use_ipv4(), "address_ipv4", listen.address_ipv4()},
          std::tuple{listen.use_ipv6(), "address_ipv6", listen.address_ipv6()}}) {
      absl::StatusOr<SocketAddress> address = SocketAddress::Parse(text);
      if (!enabled || !address.ok()) continue;
      if (absl::Status status = AddListening(
              {absl::StrCat("[", entry.protocol->name(), ".network] ", key),
               entry.protocol->UsesTcp(), *address},
              &listening);
          !status.ok()) {
        return status;
      }
    }
  }
  const config::ApiConfig& api = config.shared.api();
  if (api.enabled()) {
    absl::StatusOr<SocketAddress> address = SocketAddress::Parse(api.address());
    if (address.ok()) {
      return AddListening({"[api] address", true, *address}, &listening);
    }
  }
  return absl::OkStatus();
}

// The [api] keys that only make sense together.
absl::Status ValidateApi(const config::ApiConfig& api) {
  if (!api.enabled()) return absl::OkStatus();
  if (api.access_tokens().empty() && !api.public_stats_page()) {
    return absl::InvalidArgumentError(
        "[api] access_tokens: none set, so every request but /health would be refused; "
        "add a token (or set enabled = false)");
  }
  for (const std::string& token : api.access_tokens()) {
    if (token.size() < 16) {
      return absl::InvalidArgumentError(
          "[api] access_tokens: a token must have at least 16 characters");
    }
  }
  return ValidateTls(api.tls(), "[api]");
}

}  // namespace

ServerConfig DefaultServerConfig() {
  ServerConfig config;
  for (const Protocol* protocol : Protocols()) {
    config.front_ends.push_back({protocol, protocol->NewFrontEndConfig()});
  }
  return config;
}

absl::Status ValidateServerConfig(const ServerConfig& config) {
  bool any = false;
  const uint32_t max_peer_age = config.shared.cleaning().max_peer_age();
  for (const auto& entry : config.front_ends) {
    if (!entry.protocol->Enabled(*entry.config)) continue;
    any = true;
    const std::string table = TableOf(config, *entry.protocol);
    if (absl::Status status = entry.protocol->Validate(*entry.config, table); !status.ok()) {
      return status;
    }
    // Peers that announce as asked must not be cleaned away in between.
    const uint32_t interval = entry.protocol->AnnounceInterval(*entry.config);
    if (interval >= max_peer_age) {
      return absl::InvalidArgumentError(absl::StrCat(
          "[", table, "protocol] peer_announce_interval: ", interval,
          " is not below [cleaning] max_peer_age (", max_peer_age,
          "), so peers would be removed before they announce again"));
    }
  }
  if (!any) {
    return absl::InvalidArgumentError(
        "no front-end is enabled: set enabled = true in [udp], [http] or [ws]");
  }
  if (absl::Status status = ValidateApi(config.shared.api()); !status.ok()) return status;
  return CheckNoSharedPorts(config);
}

absl::StatusOr<ServerConfig> ParseServerConfig(absl::string_view toml_text,
                                               absl::string_view source_name) {
  ServerConfig config = DefaultServerConfig();
  std::vector<config::NamedTable> tables;
  for (auto& entry : config.front_ends) {
    tables.push_back({std::string(entry.protocol->name()), entry.config.get()});
  }
  if (absl::Status status =
          config::MergeTomlIntoConfigs(toml_text, source_name, &config.shared, tables);
      !status.ok()) {
    return status;
  }
  if (absl::Status status = ValidateServerConfig(config); !status.ok()) return status;
  return config;
}

absl::StatusOr<ServerConfig> LoadServerConfigFile(const std::string& path) {
  absl::StatusOr<std::string> contents = config::ReadConfigFile(path);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<ServerConfig> config = ParseServerConfig(*contents, path);
  if (!config.ok()) return Prefixed(config.status(), path);
  return config;
}

ServerConfig ServerConfigFor(const Protocol& protocol, const google::protobuf::Message& own) {
  ServerConfig config;
  config.combined = false;
  std::unique_ptr<google::protobuf::Message> front_end = protocol.NewFrontEndConfig();
  protocol.Split(own, &config.shared, front_end.get());
  config.front_ends.push_back({&protocol, std::move(front_end)});
  return config;
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ParseProtocolConfig(
    const Protocol& protocol, absl::string_view toml_text, absl::string_view source_name) {
  std::unique_ptr<google::protobuf::Message> own = protocol.NewConfig();
  if (absl::Status status = config::MergeTomlIntoConfig(toml_text, source_name, own.get());
      !status.ok()) {
    return status;
  }
  if (absl::Status status = ValidateServerConfig(ServerConfigFor(protocol, *own));
      !status.ok()) {
    return status;
  }
  return own;
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> LoadProtocolConfigFile(
    const Protocol& protocol, const std::string& path) {
  absl::StatusOr<std::string> contents = config::ReadConfigFile(path);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> own =
      ParseProtocolConfig(protocol, *contents, path);
  if (!own.ok()) return Prefixed(own.status(), path);
  return own;
}

std::string PrintServerConfig(const ServerConfig& config) {
  const config::ConfigComments& comments = config::ConfigComments::Embedded();
  std::string out = config::PrintTomlConfig(config.shared, comments);
  for (const auto& entry : config.front_ends) {
    const std::string comment = absl::StrCat("The ", entry.protocol->name(), " front-end: ",
                                             entry.protocol->summary(), ".");
    absl::StrAppend(&out, "\n",
                    config::PrintTomlTable(*entry.config, entry.protocol->name(), comment,
                                           comments));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Runtime>> BuildServer(const ServerConfig& config) {
  bool store_peer_ids = false;
  for (const auto& entry : config.front_ends) {
    if (entry.protocol->Enabled(*entry.config) && entry.protocol->StoresPeerIds()) {
      store_peer_ids = true;
    }
  }
  absl::StatusOr<std::unique_ptr<Runtime>> runtime = Runtime::Create(config.shared, store_peer_ids);
  if (!runtime.ok()) return runtime.status();
  for (const auto& entry : config.front_ends) {
    if (!entry.protocol->Enabled(*entry.config)) continue;
    absl::StatusOr<std::unique_ptr<FrontEnd>> front_end =
        entry.protocol->Create(**runtime, *entry.config, TableOf(config, *entry.protocol));
    if (!front_end.ok()) return front_end.status();
    (*runtime)->Add(*std::move(front_end));
  }
  for (const SharedFrontEndFactory factory : SharedFrontEnds()) {
    absl::StatusOr<std::unique_ptr<FrontEnd>> front_end = factory(**runtime);
    if (!front_end.ok()) return front_end.status();
    if (*front_end != nullptr) (*runtime)->Add(*std::move(front_end));
  }
  return runtime;
}

// Before the chroot: every file a reload reads must be inside it and readable
// by the user the process becomes, or the first SIGUSR1 would fail.
absl::Status CheckReloadedFiles(const ServerConfig& config) {
  const config::PrivilegesConfig& privileges = config.shared.privileges();
  std::vector<Protocol::ReloadedFile> files;
  if (config.shared.access_list().mode() != config::ACCESS_LIST_MODE_OFF) {
    files.push_back({"[access_list] path", config.shared.access_list().path()});
  }
  if (config.shared.client_filter().mode() != config::CLIENT_FILTER_MODE_OFF) {
    files.push_back({"[client_filter] path", config.shared.client_filter().path()});
  }
  for (Protocol::ReloadedFile& file : TlsFiles(config.shared.api().tls(), "[api]")) {
    if (config.shared.api().enabled()) files.push_back(std::move(file));
  }
  for (const auto& entry : config.front_ends) {
    if (!entry.protocol->Enabled(*entry.config)) continue;
    for (Protocol::ReloadedFile& file :
         entry.protocol->ReloadedFiles(*entry.config, TableOf(config, *entry.protocol))) {
      files.push_back(std::move(file));
    }
  }
  for (const Protocol::ReloadedFile& file : files) {
    if (absl::Status status = CheckReadableAfterDrop(file.key, file.path,
                                                     privileges.chroot_path(), privileges.user());
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

uint64_t DescriptorsNeeded(const ServerConfig& config) {
  const uint64_t workers = WorkerCount(config.shared.socket_workers());
  uint64_t connections = 0;
  for (const auto& entry : config.front_ends) {
    if (entry.protocol->Enabled(*entry.config)) {
      connections += entry.protocol->MaxConnections(*entry.config);
    }
  }
  // Listening and UDP sockets, epoll, timers, files: a few per worker.
  return workers * connections + 64 + 16 * workers;
}

absl::Status RunServer(const ServerConfig& config) {
  SetLogLevel(static_cast<LogLevel>(config.shared.log_level()));
  BlockControlSignals();
  const OpenFilesLimit open_files = RaiseOpenFilesLimit(DescriptorsNeeded(config));
  if (open_files.enough()) {
    if (open_files.soft != open_files.previous_soft) AQUATIC_LOG(kInfo, open_files.Describe());
  } else {
    AQUATIC_LOG(kWarn, open_files.Describe());
  }
  const config::PrivilegesConfig& privileges = config.shared.privileges();
  // Before anything is opened or bound: a file a reload could not read is a
  // configuration error.
  if (privileges.drop_privileges()) {
    if (absl::Status status = CheckReloadedFiles(config); !status.ok()) return status;
  }
  absl::StatusOr<std::unique_ptr<Runtime>> built = BuildServer(config);
  if (!built.ok()) return built.status();
  Runtime& runtime = **built;
  if (privileges.drop_privileges()) {
    if (absl::Status status = DropPrivileges(privileges.chroot_path(), privileges.user());
        !status.ok()) {
      return status;
    }
  }
  if (absl::Status status = runtime.Start(); !status.ok()) return status;
  AQUATIC_LOG(kInfo, "aquatic-cpp ", kAquaticVersion, " ", runtime.Describe(),
              "; open files limit ", open_files.soft);
  std::vector<PeriodicTask> tasks = {
      {config.shared.cleaning().torrent_cleaning_interval(), [&runtime] { runtime.Clean(); }}};
  const config::StatisticsConfig& statistics = config.shared.statistics();
  if (statistics.print_to_stdout() || statistics.write_html_to_file()) {
    tasks.push_back({statistics.interval(), [&runtime] { runtime.ReportStatistics(); }});
  }
  const int signal =
      RunControlLoop(tasks, [&runtime](int reload) { runtime.Reload(SignalName(reload)); });
  AQUATIC_LOG(kInfo, SignalName(signal), ": shutting down");
  runtime.Stop();
  AQUATIC_LOG(kInfo, "stopped");
  return absl::OkStatus();
}

}  // namespace aquatic
