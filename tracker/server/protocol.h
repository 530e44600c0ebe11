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
  // Whether its peers need their peer ids kept in the IP engine.
  virtual bool StoresPeerIds() const { return false; }

  // Binds its sockets (before the process drops privileges). The front-end
  // may keep references to `runtime`, which outlives it.
  virtual absl::StatusOr<std::unique_ptr<FrontEnd>> Create(
      Runtime& runtime, const google::protobuf::Message& front_end) const = 0;
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
