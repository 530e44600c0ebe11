#include "tracker/testing/announce_probes.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "codec/http/http.codec.h"
#include "codec/udp/udp.codec.h"
#include "tracker/server/testing/http_client.h"
#include "tracker/server/testing/udp_client.h"

namespace aquatic::announce_probes {

namespace udp_wire = ::aquatic::codec::udp;
namespace http_wire = ::aquatic::codec::http;

std::string HttpAnnounceFailure(uint16_t port, absl::string_view path,
                                const ProbeAnnounce& announce, absl::string_view extra) {
  const std::string body = http_client::HttpGet(
      port, absl::StrCat(path, "?info_hash=", announce.info_hash, "&peer_id=", announce.peer_id,
                         "&port=", announce.port, "&left=", announce.left, "&compact=1",
                         announce.event.empty() ? "" : "&event=", announce.event, extra));
  http_wire::FailureResponse failure;
  if (http_wire::Parse(body, &failure).ok()) return failure.failure_reason;
  http_wire::AnnounceResponse response;
  if (!http_wire::Parse(body, &response).ok()) return absl::StrCat("unparsed reply: ", body);
  return "";
}

std::string UdpAnnounceError(uint16_t port, absl::string_view url_data,
                             const ProbeAnnounce& announce) {
  udp_client::UdpClient client(port);
  udp_wire::AnnounceRequest request;
  request.connection_id = client.Connect();
  request.transaction_id = 7;
  std::copy_n(announce.info_hash.begin(), request.info_hash.size(), request.info_hash.begin());
  std::copy_n(announce.peer_id.begin(), request.peer_id.size(), request.peer_id.begin());
  request.left = announce.left;
  request.port = announce.port;
  request.num_want = -1;
  if (announce.event == "started") request.event = udp_wire::AnnounceEvent::kStarted;
  if (announce.event == "completed") request.event = udp_wire::AnnounceEvent::kCompleted;
  if (announce.event == "stopped") request.event = udp_wire::AnnounceEvent::kStopped;
  if (!request.url_data.assign(url_data)) return "url data too long";
  const std::vector<uint8_t> reply = client.Send(request);
  udp_wire::ErrorResponse error;
  if (udp_wire::Parse(reply, &error).ok()) return std::string(error.message);
  udp_wire::AnnounceResponseV4 response;
  if (!udp_wire::Parse(reply, &response).ok()) {
    return absl::StrCat("unparsed reply of ", reply.size(), " bytes");
  }
  return "";
}

std::string WsAnnounceFailure(ws::WsTestClient& socket, const ProbeAnnounce& announce) {
  if (!socket.SendText(absl::StrCat(
          R"({"action":"announce","info_hash":")", announce.info_hash, R"(","peer_id":")",
          announce.peer_id, R"(","numwant":5,"uploaded":0,"downloaded":0,"left":)",
          announce.left, announce.event.empty() ? "" : R"(,"event":")", announce.event,
          announce.event.empty() ? "" : "\"", "}"))) {
    return "not sent";
  }
  const std::optional<std::string> reply = socket.Read();
  if (!reply.has_value()) return "no reply";
  return JsonString(*reply, "failure reason");
}

std::string JsonString(absl::string_view json, absl::string_view field) {
  const std::string marker = absl::StrCat("\"", field, "\":\"");
  const size_t start = json.find(marker);
  if (start == absl::string_view::npos) return "";
  std::string value;
  for (size_t i = start + marker.size(); i < json.size() && json[i] != '"'; ++i) {
    if (json[i] == '\\' && i + 1 < json.size()) ++i;  // \" and \\ in the messages here
    value.push_back(json[i]);
  }
  return value;
}

}  // namespace aquatic::announce_probes
