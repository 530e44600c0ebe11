#include "tracker/ws/ws_metrics.h"

#include <string>


namespace aquatic::ws {

std::vector<MetricSpec> WsMetricSpecs() {
  std::vector<MetricSpec> specs;
  auto add_pair = [&specs](const std::string& name, const std::string& help,
                           const std::string& labels) {
    AddPerIpVersion(name, help, labels, &specs);
  };
  const std::string connections = "aquatic_connections_total";
  const std::string connections_help = "WebSocket/TCP connections, by outcome and IP version.";
  add_pair(connections, connections_help, "result=\"accepted\"");
  add_pair(connections, connections_help, "result=\"refused\"");
  const std::string closes = "aquatic_forced_closes_total";
  const std::string closes_help = "Connections the tracker closed, by reason and IP version.";
  add_pair(closes, closes_help, "reason=\"slow_reader\"");
  add_pair(closes, closes_help, "reason=\"binary_message\"");
  add_pair(closes, closes_help, "reason=\"invalid_utf8\"");
  const std::string requests = "aquatic_requests_total";
  const std::string requests_help = "Requests received, by type and IP version.";
  add_pair(requests, requests_help, "type=\"announce\"");
  add_pair(requests, requests_help, "type=\"scrape\"");
  add_pair(requests, requests_help, "type=\"answer\"");
  const std::string responses = "aquatic_responses_total";
  const std::string responses_help = "Responses sent, by type and IP version.";
  add_pair(responses, responses_help, "type=\"announce\"");
  add_pair(responses, responses_help, "type=\"scrape\"");
  add_pair(responses, responses_help, "type=\"error\"");
  const std::string relayed = "aquatic_relayed_total";
  const std::string relayed_help = "WebRTC offers and answers forwarded to another peer.";
  add_pair(relayed, relayed_help, "type=\"offer\"");
  add_pair(relayed, relayed_help, "type=\"answer\"");
  add_pair("aquatic_dropped_answers_total",
           "Answers to no pending offer or to a peer no longer in the swarm.", "");
  add_pair("aquatic_health_checks_total", "Plain HTTP GET /health requests answered.", "");
  add_pair("aquatic_rx_messages_total", "WebSocket messages received.", "");
  add_pair("aquatic_tx_messages_total", "WebSocket messages sent (written for the socket).", "");
  return specs;
}

}  // namespace aquatic::ws
