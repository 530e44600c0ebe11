#include "tracker/http/http_metrics.h"

#include <string>


namespace aquatic::http {

std::vector<MetricSpec> HttpMetricSpecs() {
  std::vector<MetricSpec> specs;
  auto add_pair = [&specs](const std::string& name, const std::string& help,
                           const std::string& labels) {
    AddPerIpVersion(name, help, labels, &specs);
  };
  add_pair("aquatic_requests_total", "Requests received, by type and IP version.",
           "type=\"announce\"");
  add_pair("aquatic_requests_total", "Requests received, by type and IP version.",
           "type=\"scrape\"");
  add_pair("aquatic_responses_total", "Responses sent, by type and IP version.",
           "type=\"announce\"");
  add_pair("aquatic_responses_total", "Responses sent, by type and IP version.",
           "type=\"scrape\"");
  add_pair("aquatic_responses_total", "Responses sent, by type and IP version.",
           "type=\"failure\"");
  add_pair("aquatic_responses_total", "Responses sent, by type and IP version.",
           "type=\"not_found\"");
  add_pair("aquatic_connections_accepted_total", "TCP connections accepted.", "");
  add_pair("aquatic_connections_refused_total",
           "Connections closed for a limit (max_connections, header size, body, timeout).", "");
  return specs;
}

}  // namespace aquatic::http
