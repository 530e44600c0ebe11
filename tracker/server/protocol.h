// Protocol: a front-end kind the `aquatic` binary can serve, and the registry
// main.cc reads. Adding a front-end is one package that implements Protocol
// and registers it (AQUATIC_REGISTER_PROTOCOL), plus its config messages; the
// command line, `aquatic run`'s file, -p and -P follow from the registry.
//
// Every protocol has two config shapes: its own file (`aquatic udp -c
// udp.toml`, aquatic's keys), and its table in `aquatic run`'s file ([udp]:
// `enabled` and the keys only it has). Split() turns the first into the
// second plus the shared keys, so both run the same way.
#ifndef AQUATIC_TRACKER_SERVER_PROTOCOL_H_
#define AQUATIC_TRACKER_SERVER_PROTOCOL_H_

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tracker/base/config/tracker.pb.h"
#include "tracker/server/front_end.h"
#include "tracker/server/runtime.h"

namespace aquatic {

class Protocol {
 public:
  virtual ~Protocol() = default;

  // The command and table name: "udp".
  virtual absl::string_view name() const = 0;
  // One line for `aquatic -h`.
  virtual absl::string_view summary() const = 0;
  // Where it sits in help, -p and start-up order.
  virtual int order() const = 0;

  // Its own file, with every default (UdpConfig).
  virtual std::unique_ptr<google::protobuf::Message> NewConfig() const = 0;
  // Its table in `aquatic run`'s file, with every default (UdpFrontEndConfig).
  virtual std::unique_ptr<google::protobuf::Message> NewFrontEndConfig() const = 0;
  // Its own file as the shared keys plus its table (enabled).
  virtual void Split(const google::protobuf::Message& config, config::TrackerConfig* shared,
                     google::protobuf::Message* front_end) const = 0;
  virtual bool Enabled(const google::protobuf::Message& front_end) const = 0;
  // Checks that span several keys of its table; errors name the keys, with
  // `table` ("udp." in `aquatic run`'s file, "" in its own) before sections.
  virtual absl::Status Validate(const google::protobuf::Message& front_end,
                                absl::string_view table) const = 0;
  // The TCP or UDP addresses it listens on, for the port conflict check.
  virtual const config::ListenAddresses& Listen(const google::protobuf::Message& front_end) const = 0;
  virtual bool UsesTcp() const = 0;
  // Seconds peers are asked to wait between announces.
  virtual uint32_t AnnounceInterval(const google::protobuf::Message& front_end) const = 0;
  // Most connections each worker keeps open (TCP front-ends), for the
  // open-files limit.
  virtual uint32_t MaxConnections(const google::protobuf::Message& front_end) const { return 0; }
  // The files it re-reads on SIGUSR1 (TLS certificate and key): the config
  // key naming each ("[http.network] tls_certificate_path" with `table`
  // "http.") and its path. They must stay readable after the process drops
  // its privileges.
  struct ReloadedFile {
    std::string key;
    std::string path;
  };
  virtual std::vector<ReloadedFile> ReloadedFiles(const google::protobuf::Message& front_end,
                                                  absl::string_view table) const {
    return {};
  }
  // Whether its peers need their peer ids kept in the IP engine.
  virtual bool StoresPeerIds() const { return false; }

  // Binds its sockets (before the process drops privileges). The front-end
  // may keep references to `runtime`, which outlives it. Errors name keys
  // with `table` before their section, as Validate's do.
  virtual absl::StatusOr<std::unique_ptr<FrontEnd>> Create(
      Runtime& runtime, const google::protobuf::Message& front_end,
      absl::string_view table) const = 0;
};

// Shared checks of a front-end's [network] keys; errors name `table` +
// "network" ("[udp.network] use_ipv4, ...").
absl::Status ValidateListen(const config::ListenAddresses& listen, absl::string_view table);
// TLS keys wherever they are: errors name `section` ("[http.network]",
// "[api]").
absl::Status ValidateTls(const config::TlsSettings& tls, absl::string_view section);
// The TLS files of `tls` as ReloadedFiles, when TLS is on.
std::vector<Protocol::ReloadedFile> TlsFiles(const config::TlsSettings& tls,
                                             absl::string_view section);
// "[http.network]" for `table` "http.", "[network]" for "".
std::string NetworkSection(absl::string_view table);

// Front-ends made from the shared keys rather than a protocol's table (the
// management API of [api]): nullptr when not enabled. Registered at start-up
// (AQUATIC_REGISTER_SHARED_FRONT_END) and made by BuildServer after the
// protocols' front-ends.
using SharedFrontEndFactory = absl::StatusOr<std::unique_ptr<FrontEnd>> (*)(Runtime& runtime);
void RegisterSharedFrontEnd(SharedFrontEndFactory factory);
std::vector<SharedFrontEndFactory> SharedFrontEnds();

#define AQUATIC_REGISTER_SHARED_FRONT_END(name, factory)        \
  static const bool kRegistered##name = [] {                     \
    ::aquatic::RegisterSharedFrontEnd(factory);                  \
    return true;                                                 \
  }()

// A Protocol over its config messages and front-end type, so that a
// protocol writes only what is its own:
//   OwnConfig       its aquatic-compatible file (UdpConfig): socket_workers,
//                   log_level, [network], [protocol], [statistics],
//                   [cleaning], [privileges], [access_list];
//   FrontEndConfig  its table in `aquatic run` (UdpFrontEndConfig): enabled,
//                   [network] with `listen`, [protocol];
//   FrontEndType    with static Create(Runtime&, const FrontEndConfig&,
//                   absl::string_view table).
// It says which of its cleaning keys go to the shared [cleaning]
// (SplitCleaning) and what else its table must satisfy (ValidateOwn).
template <typename OwnConfig, typename FrontEndConfig, typename FrontEndType>
class TypedProtocol : public Protocol {
 public:
  using OwnCleaning = std::decay_t<decltype(std::declval<OwnConfig>().cleaning())>;

  std::unique_ptr<google::protobuf::Message> NewConfig() const final {
    return std::make_unique<OwnConfig>();
  }
  std::unique_ptr<google::protobuf::Message> NewFrontEndConfig() const final {
    return std::make_unique<FrontEndConfig>();
  }

  void Split(const google::protobuf::Message& message, config::TrackerConfig* shared,
             google::protobuf::Message* front_end_message) const final {
    const auto& own = static_cast<const OwnConfig&>(message);
    shared->set_socket_workers(own.socket_workers());
    shared->set_log_level(own.log_level());
    *shared->mutable_statistics() = own.statistics();
    *shared->mutable_privileges() = own.privileges();
    *shared->mutable_access_list() = own.access_list();
    *shared->mutable_storage() = own.storage();
    *shared->mutable_api() = own.api();
    *shared->mutable_private_() = own.private_();
    *shared->mutable_client_filter() = own.client_filter();
    *shared->mutable_limits() = own.limits();
    config::CleaningConfig& cleaning = *shared->mutable_cleaning();
    cleaning.set_torrent_cleaning_interval(own.cleaning().torrent_cleaning_interval());
    cleaning.set_max_peer_age(own.cleaning().max_peer_age());
    SplitCleaning(own.cleaning(), &cleaning);
    auto& front_end = static_cast<FrontEndConfig&>(*front_end_message);
    front_end.set_enabled(true);
    *front_end.mutable_network() = own.network();
    *front_end.mutable_protocol() = own.protocol();
  }

  bool Enabled(const google::protobuf::Message& front_end) const final {
    return static_cast<const FrontEndConfig&>(front_end).enabled();
  }
  const config::ListenAddresses& Listen(const google::protobuf::Message& front_end) const final {
    return static_cast<const FrontEndConfig&>(front_end).network().listen();
  }
  uint32_t AnnounceInterval(const google::protobuf::Message& front_end) const final {
    return static_cast<const FrontEndConfig&>(front_end).protocol().peer_announce_interval();
  }

  absl::Status Validate(const google::protobuf::Message& front_end,
                        absl::string_view table) const final {
    const auto& typed = static_cast<const FrontEndConfig&>(front_end);
    if (absl::Status status = ValidateListen(typed.network().listen(), table); !status.ok()) {
      return status;
    }
    return ValidateOwn(typed, table);
  }

  absl::StatusOr<std::unique_ptr<FrontEnd>> Create(Runtime& runtime,
                                                   const google::protobuf::Message& front_end,
                                                   absl::string_view table) const final {
    absl::StatusOr<std::unique_ptr<FrontEndType>> created =
        FrontEndType::Create(runtime, static_cast<const FrontEndConfig&>(front_end), table);
    if (!created.ok()) return created.status();
    return std::unique_ptr<FrontEnd>(*std::move(created));
  }

 protected:
  // The protocol's own cleaning keys, into the shared [cleaning].
  virtual void SplitCleaning(const OwnCleaning& own, config::CleaningConfig* shared) const = 0;
  // Checks of its table beyond the listen addresses.
  virtual absl::Status ValidateOwn(const FrontEndConfig& front_end,
                                   absl::string_view table) const = 0;
};

// The check of a config limit against what the protocol's codec can carry:
// "[udp.protocol] max_scrape_torrents: 100 is more than one scrape request
// can carry (74)", or OK.
absl::Status CheckCodecLimit(absl::string_view table, absl::string_view section,
                             absl::string_view key, uint64_t value, size_t codec_limit,
                             absl::string_view what);

// The registry: every Protocol linked into the binary, in order().
void RegisterProtocol(const Protocol* protocol);
std::vector<const Protocol*> Protocols();
const Protocol* FindProtocol(absl::string_view name);

// Registers `Type` (a Protocol with a default constructor) at start-up. Its
// library must be linked with alwayslink = True.
#define AQUATIC_REGISTER_PROTOCOL(Type)                         \
  static const bool kRegistered##Type = [] {                     \
    static const Type protocol;                                  \
    ::aquatic::RegisterProtocol(&protocol);                      \
    return true;                                                 \
  }()

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_PROTOCOL_H_
