// Reads and writes config messages (udp.proto, http.proto, ws.proto) as
// aquatic-style TOML: one [section] per sub-message, one key per field.
//
// The schema is the message's descriptor plus the FieldRules options in
// options.proto; nothing here knows a particular protocol.
#ifndef AQUATIC_TRACKER_BASE_CONFIG_TOML_CONFIG_H_
#define AQUATIC_TRACKER_BASE_CONFIG_TOML_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tracker/base/config/config_comments.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace aquatic::config {

// Applies every key of `toml_text` to `config`; keys absent from the text keep
// the values `config` already has. On error `config` may be partly updated and
// the status message is one line naming the key and the problem, e.g.
// "[network] address_ipv4: '1.2.3' is not an IPv4 address". `source_name`
// (a file name) prefixes TOML syntax errors.
absl::Status MergeTomlIntoConfig(absl::string_view toml_text, absl::string_view source_name,
                                 google::protobuf::Message* config);

// A top-level table read into a message of its own (`aquatic run`: [udp]).
struct NamedTable {
  std::string name;
  google::protobuf::Message* message;
};

// MergeTomlIntoConfig for a file whose top-level tables named in `tables` go
// into their own messages (keys inside them are named "[udp.network] ...");
// everything else goes into `top`.
absl::Status MergeTomlIntoConfigs(absl::string_view toml_text, absl::string_view source_name,
                                  google::protobuf::Message* top,
                                  const std::vector<NamedTable>& tables);

// The contents of a config file; errors start with the path ("FILE: cannot
// open: ..."). Shared by the trackers' and the load testers' loaders.
absl::StatusOr<std::string> ReadConfigFile(const std::string& path);

// Prints every key of `config` with its value, the schema comment above each
// key (and the allowed values of enum keys). Parsing the output back gives a
// message equivalent to `config`.
std::string PrintTomlConfig(const google::protobuf::Message& config,
                            const ConfigComments& comments);

// Prints `config` as the table [name] (its sections as [name.section]),
// after `comment`: a front-end's table in `aquatic run`'s file.
std::string PrintTomlTable(const google::protobuf::Message& config, absl::string_view name,
                           absl::string_view comment, const ConfigComments& comments);

}  // namespace aquatic::config

#endif  // AQUATIC_TRACKER_BASE_CONFIG_TOML_CONFIG_H_
