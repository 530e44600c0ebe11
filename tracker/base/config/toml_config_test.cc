#include "tracker/base/config/toml_config.h"

#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tracker/base/config/config_comments.h"
#include "tracker/base/config/http.pb.h"
#include "tracker/base/config/options.pb.h"
#include "tracker/base/config/tracker.pb.h"
#include "tracker/base/config/udp.pb.h"
#include "tracker/base/config/ws.pb.h"

namespace aquatic::config {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;

// Every config file shape: the three protocols' own files and the shared
// keys of `aquatic run` (cross-key checks are the server kit's, see
// tracker/server/server_config_test.cc).
enum class Protocol { kUdp, kHttp, kWs, kRun };
constexpr Protocol kAllProtocols[] = {Protocol::kUdp, Protocol::kHttp, Protocol::kWs,
                                      Protocol::kRun};

const char* ProtocolName(Protocol protocol) {
  switch (protocol) {
    case Protocol::kUdp: return "udp";
    case Protocol::kHttp: return "http";
    case Protocol::kWs: return "ws";
    case Protocol::kRun: return "run";
  }
  return "?";
}

std::unique_ptr<Message> NewDefaultConfig(Protocol protocol) {
  switch (protocol) {
    case Protocol::kUdp: return std::make_unique<UdpConfig>();
    case Protocol::kHttp: return std::make_unique<HttpConfig>();
    case Protocol::kWs: return std::make_unique<WsConfig>();
    case Protocol::kRun: return std::make_unique<TrackerConfig>();
  }
  return nullptr;
}

absl::StatusOr<std::unique_ptr<Message>> ParseConfig(Protocol protocol, absl::string_view toml,
                                                     absl::string_view source) {
  std::unique_ptr<Message> config = NewDefaultConfig(protocol);
  if (absl::Status status = MergeTomlIntoConfig(toml, source, config.get()); !status.ok()) {
    return status;
  }
  return config;
}

std::string ErrorOf(Protocol protocol, absl::string_view toml) {
  absl::StatusOr<std::unique_ptr<Message>> config = ParseConfig(protocol, toml, "test.toml");
  return config.ok() ? "OK" : std::string(config.status().message());
}

TEST(TomlConfigTest, PrintedDefaultsParseBackToDefaults) {
  for (Protocol protocol : kAllProtocols) {
    SCOPED_TRACE(ProtocolName(protocol));
    std::unique_ptr<Message> defaults = NewDefaultConfig(protocol);
    const std::string printed = PrintTomlConfig(*defaults, ConfigComments::Embedded());
    absl::StatusOr<std::unique_ptr<Message>> parsed = ParseConfig(protocol, printed, "-p");
    ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << printed;
    EXPECT_TRUE(MessageDifferencer::Equivalent(**parsed, *defaults)) << printed;
    // Every key was printed, so every field is explicitly set now.
    EXPECT_EQ(PrintTomlConfig(**parsed, ConfigComments::Embedded()), printed);
  }
}

// Every field of the schema (keys and sections) has a comment in the .proto.
void ExpectAllFieldsCommented(const Descriptor& descriptor, std::vector<std::string>* missing) {
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    const bool is_inline =
        field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        field.options().GetExtension(rules).inline_();
    if (!is_inline && ConfigComments::Embedded().ForField(field).empty()) {
      missing->push_back(field.full_name());
    }
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      ExpectAllFieldsCommented(*field.message_type(), missing);
    }
  }
}

TEST(TomlConfigTest, EveryKeyHasACommentAboveIt) {
  for (Protocol protocol : kAllProtocols) {
    SCOPED_TRACE(ProtocolName(protocol));
    std::unique_ptr<Message> defaults = NewDefaultConfig(protocol);
    std::vector<std::string> missing;
    ExpectAllFieldsCommented(*defaults->GetDescriptor(), &missing);
    EXPECT_TRUE(missing.empty()) << "no comment: " << absl::StrJoin(missing, ", ");

    const std::vector<std::string> lines =
        absl::StrSplit(PrintTomlConfig(*defaults, ConfigComments::Embedded()), '\n');
    int keys = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].empty() || lines[i][0] == '#' || lines[i][0] == '[') continue;
      ASSERT_TRUE(absl::StrContains(lines[i], " = ")) << lines[i];
      ++keys;
      ASSERT_GT(i, 0u);
      EXPECT_TRUE(absl::StartsWith(lines[i - 1], "#")) << "no comment above: " << lines[i];
    }
    EXPECT_GT(keys, 15);
  }
  // The front-end tables of `aquatic run`.
  for (const Descriptor* descriptor :
       {UdpFrontEndConfig::descriptor(), HttpFrontEndConfig::descriptor(),
        WsFrontEndConfig::descriptor()}) {
    std::vector<std::string> missing;
    ExpectAllFieldsCommented(*descriptor, &missing);
    EXPECT_TRUE(missing.empty()) << "no comment: " << absl::StrJoin(missing, ", ");
  }
}

TEST(TomlConfigTest, DefaultsCarryAquaticKeys) {
  const std::string udp = PrintTomlConfig(UdpConfig(), ConfigComments::Embedded());
  for (const char* expected :
       {"socket_workers = 1", "log_level = \"info\"", "[network]",
        "address_ipv4 = \"0.0.0.0:3000\"", "address_ipv6 = \"[::]:3000\"", "use_ipv4 = true",
        "use_ipv6 = true", "socket_recv_buffer_size = 212992", "[protocol]",
        "max_scrape_torrents = 70", "max_response_peers = 50", "peer_announce_interval = 900",
        "[statistics]", "prometheus_endpoint_address = \"127.0.0.1:9000\"", "[cleaning]",
        "max_connection_age = 120", "[privileges]", "user = \"nobody\"", "[access_list]",
        "mode = \"off\"", "# One of: \"off\", \"allow\", \"deny\"."}) {
    EXPECT_TRUE(absl::StrContains(udp, expected)) << expected << "\n" << udp;
  }
  const std::string http = PrintTomlConfig(HttpConfig(), ConfigComments::Embedded());
  for (const char* expected :
       {"enable_tls = false", "keep_alive = true", "runs_behind_reverse_proxy = false",
        "reverse_proxy_ip_header_name = \"X-Forwarded-For\"", "enable_full_scrape = false",
        "max_connection_idle = 180"}) {
    EXPECT_TRUE(absl::StrContains(http, expected)) << expected;
  }
  const std::string ws = PrintTomlConfig(WsConfig(), ConfigComments::Embedded());
  for (const char* expected :
       {"websocket_max_message_size = 65536", "websocket_max_frame_size = 16384",
        "enable_http_health_checks = false", "max_offers = 10", "max_offer_age = 120",
        "address_ipv6 = \"[::]:3000\""}) {
    EXPECT_TRUE(absl::StrContains(ws, expected)) << expected;
  }
}

TEST(TomlConfigTest, PartialFileKeepsOtherDefaults) {
  absl::StatusOr<std::unique_ptr<Message>> parsed = ParseConfig(
      Protocol::kUdp,
      "socket_workers = 4\n[network]\naddress_ipv4 = \"127.0.0.1:6969\"\n"
      "[access_list]\nmode = \"allow\"\n",
      "partial.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto& config = static_cast<const UdpConfig&>(**parsed);
  EXPECT_EQ(config.socket_workers(), 4u);
  EXPECT_EQ(config.network().listen().address_ipv4(), "127.0.0.1:6969");
  EXPECT_EQ(config.access_list().mode(), ACCESS_LIST_MODE_ALLOW);
  // Untouched keys, in touched and untouched sections.
  EXPECT_EQ(config.network().listen().address_ipv6(), "[::]:3000");
  EXPECT_TRUE(config.network().listen().use_ipv6());
  EXPECT_EQ(config.network().socket_recv_buffer_size(), 212992u);
  EXPECT_EQ(config.protocol().max_scrape_torrents(), 70u);
  EXPECT_EQ(config.access_list().path(), "./access-list.txt");
}

TEST(TomlConfigTest, EmptyFileIsTheDefaults) {
  absl::StatusOr<std::unique_ptr<Message>> parsed = ParseConfig(Protocol::kWs, "", "empty");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(MessageDifferencer::Equivalent(**parsed, WsConfig()));
}

TEST(TomlConfigTest, UnknownKeysAreNamed) {
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "socket_worker = 2\n"),
            "unknown key 'socket_worker' at the top level");
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "[network]\nadress_ipv4 = \"0.0.0.0:1\"\n"),
            "unknown key 'adress_ipv4' in [network]");
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "[netwrk]\n"), "unknown key 'netwrk' at the top level");
  // A key of another protocol is unknown here.
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "[network]\nkeep_alive = true\n"),
            "unknown key 'keep_alive' in [network]");
  // The name of an inline group is not a key itself.
  EXPECT_EQ(ErrorOf(Protocol::kHttp, "[network]\nlisten = 1\n"),
            "unknown key 'listen' in [network]");
}

TEST(TomlConfigTest, WrongTypesAreNamed) {
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "[network]\nuse_ipv4 = \"yes\"\n"),
            "[network] use_ipv4: expected a boolean (true or false), got a string");
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "socket_workers = \"2\"\n"),
            "socket_workers: expected an integer, got a string");
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "socket_workers = 1.5\n"),
            "socket_workers: expected an integer, got a float");
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "network = 3\n"),
            "network: expected a table ([network]), got an integer");
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "[privileges]\nuser = 0\n"),
            "[privileges] user: expected a string, got an integer");
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "[access_list]\nmode = 1\n"),
            "[access_list] mode: expected one of \"off\", \"allow\", \"deny\", got an integer");
}

TEST(TomlConfigTest, BadValuesAreNamed) {
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "[network]\naddress_ipv4 = \"1.2.3:80\"\n"),
            "[network] address_ipv4: \"1.2.3:80\" is not an IPv4 socket address like "
            "0.0.0.0:3000 ('1.2.3' is not an IPv4 address (write IPv6 addresses as "
            "[addr]:port))");
  EXPECT_EQ(ErrorOf(Protocol::kWs, "[network]\naddress_ipv4 = \"[::1]:80\"\n"),
            "[network] address_ipv4: \"[::1]:80\" is not an IPv4 socket address like "
            "0.0.0.0:3000 (this is an IPv6 address)");
  EXPECT_EQ(ErrorOf(Protocol::kHttp, "[network]\naddress_ipv6 = \"[::]:99999\"\n"),
            "[network] address_ipv6: \"[::]:99999\" is not an IPv6 socket address like "
            "[::]:3000 (bad port '99999')");
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "[statistics]\nprometheus_endpoint_address = \"x\"\n"),
            "[statistics] prometheus_endpoint_address: \"x\" is not a socket address like "
            "0.0.0.0:9000 or [::]:9000 ('x' has no port (expected IP:PORT or [IPv6]:PORT))");
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "[protocol]\nmax_scrape_torrents = 0\n"),
            "[protocol] max_scrape_torrents: 0 is out of range (1 to 4294967295)");
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "socket_workers = -1\n"),
            "socket_workers: -1 is out of range (0 to 1024)");
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "[access_list]\nmode = \"maybe\"\n"),
            "[access_list] mode: \"maybe\" is not one of \"off\", \"allow\", \"deny\"");
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "log_level = \"loud\"\n"),
            "log_level: \"loud\" is not one of \"off\", \"error\", \"warn\", \"info\", "
            "\"debug\", \"trace\"");
  EXPECT_EQ(ErrorOf(Protocol::kHttp, "[network]\nreverse_proxy_ip_header_name = \"X Y\"\n"),
            "[network] reverse_proxy_ip_header_name: \"X Y\" is not an HTTP header name");
}

// `aquatic run`'s file: top-level tables named after front-ends go to their
// own messages, whose errors name the table.
TEST(TomlConfigTest, NamedTablesGoToTheirOwnMessages) {
  TrackerConfig shared;
  UdpFrontEndConfig udp;
  HttpFrontEndConfig http;
  const std::vector<NamedTable> tables = {{"udp", &udp}, {"http", &http}};
  ASSERT_TRUE(MergeTomlIntoConfigs("socket_workers = 3\n[udp]\nenabled = false\n"
                                   "[http.network]\naddress_ipv4 = \"127.0.0.1:7\"\n"
                                   "[cleaning]\nmax_peer_age = 9\n",
                                   "t.toml", &shared, tables)
                  .ok());
  EXPECT_EQ(shared.socket_workers(), 3u);
  EXPECT_EQ(shared.cleaning().max_peer_age(), 9u);
  EXPECT_FALSE(udp.enabled());
  EXPECT_EQ(http.network().listen().address_ipv4(), "127.0.0.1:7");
  EXPECT_EQ(MergeTomlIntoConfigs("[http.network]\nbogus = 1\n", "t.toml", &shared, tables)
                .message(),
            "unknown key 'bogus' in [http.network]");
  EXPECT_EQ(MergeTomlIntoConfigs("[udp]\nenabled = 1\n", "t.toml", &shared, tables).message(),
            "[udp] enabled: expected a boolean (true or false), got an integer");
  EXPECT_EQ(MergeTomlIntoConfigs("udp = 5\n", "t.toml", &shared, tables).message(),
            "udp: expected a table ([udp]), got an integer");
  EXPECT_EQ(MergeTomlIntoConfigs("[ftp]\n", "t.toml", &shared, tables).message(),
            "unknown key 'ftp' at the top level");
}

TEST(TomlConfigTest, TablesPrintUnderTheirName) {
  UdpFrontEndConfig udp;
  const std::string printed = PrintTomlTable(udp, "udp", "The UDP front-end.",
                                             ConfigComments::Embedded());
  EXPECT_TRUE(absl::StartsWith(printed, "# The UDP front-end.\n[udp]\n")) << printed;
  EXPECT_TRUE(absl::StrContains(printed, "\nenabled = true\n")) << printed;
  EXPECT_TRUE(absl::StrContains(printed, "\n[udp.network]\n")) << printed;
  EXPECT_TRUE(absl::StrContains(printed, "\n[udp.protocol]\n")) << printed;
}

TEST(TomlConfigTest, SyntaxErrorsGiveAPosition) {
  const std::string error = ErrorOf(Protocol::kUdp, "[network\n");
  EXPECT_TRUE(absl::StartsWith(error, "TOML syntax error at line 1, column ")) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

TEST(TomlConfigTest, StringsWithQuotesRoundTrip) {
  UdpConfig config;
  config.mutable_privileges()->set_chroot_path("/srv/\"tracker\"\\dir\ttab");
  const std::string printed = PrintTomlConfig(config, ConfigComments::Embedded());
  absl::StatusOr<std::unique_ptr<Message>> parsed = ParseConfig(Protocol::kUdp, printed, "-P");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(static_cast<const UdpConfig&>(**parsed).privileges().chroot_path(),
            config.privileges().chroot_path());
}

TEST(TomlConfigTest, ArraysOfStringsParsePrintAndNameTheirErrors) {
  absl::StatusOr<std::unique_ptr<Message>> parsed = ParseConfig(
      Protocol::kUdp, "[api]\naccess_tokens = [\"first-token\", \"second \\\"quoted\\\"\"]\n",
      "t.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const ApiConfig& api = static_cast<const UdpConfig&>(**parsed).api();
  ASSERT_EQ(api.access_tokens_size(), 2);
  EXPECT_EQ(api.access_tokens(0), "first-token");
  EXPECT_EQ(api.access_tokens(1), "second \"quoted\"");
  // Printed as an array, with the usual blank line before the next key, and
  // read back the same.
  const std::string printed = PrintTomlConfig(**parsed, ConfigComments::Embedded());
  EXPECT_TRUE(absl::StrContains(
      printed, "access_tokens = [\"first-token\", \"second \\\"quoted\\\"\"]\n\n# "))
      << printed;
  absl::StatusOr<std::unique_ptr<Message>> again = ParseConfig(Protocol::kUdp, printed, "-P");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(MessageDifferencer::Equivalent(**parsed, **again));

  EXPECT_EQ(ErrorOf(Protocol::kUdp, "[api]\naccess_tokens = \"one\"\n"),
            "[api] access_tokens: expected an array of strings, got a string");
  EXPECT_EQ(ErrorOf(Protocol::kUdp, "[api]\naccess_tokens = [\"a\", 2]\n"),
            "[api] access_tokens: element 2: expected a string, got an integer");
}

}  // namespace
}  // namespace aquatic::config
