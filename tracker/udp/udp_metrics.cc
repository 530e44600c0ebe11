#include "tracker/udp/udp_metrics.h"

#include <string>


namespace aquatic::udp {

std::vector<MetricSpec> UdpMetricSpecs() {
  std::vector<MetricSpec> specs;
  auto add_pair = [&specs](const std::string& name, const std::string& help,
                           const std::string& labels) {
    AddPerIpVersion(name, help, labels, &specs);
  };
  const std::string requests = "aquatic_requests_total";
  const std::string requests_help = "Requests received, by type and IP version.";
  add_pair(requests, requests_help, "type=\"connect\"");
  add_pair(requests, requests_help, "type=\"announce\"");
  add_pair(requests, requests_help, "type=\"scrape\"");
  const std::string responses = "aquatic_responses_total";
  const std::string responses_help = "Responses sent, by type and IP version.";
  add_pair(responses, responses_help, "type=\"connect\"");
  add_pair(responses, responses_help, "type=\"announce\"");
  add_pair(responses, responses_help, "type=\"scrape\"");
  add_pair(responses, responses_help, "type=\"error\"");
  add_pair("aquatic_dropped_datagrams_total",
           "Datagrams dropped without an answer (unparseable, bad connection id).", "");
  add_pair("aquatic_rx_bytes_total", "Bytes received in datagrams.", "");
  add_pair("aquatic_tx_bytes_total", "Bytes sent in datagrams.", "");
  return specs;
}

}  // namespace aquatic::udp
