#include "tracker/server/protocol.h"

#include <algorithm>

namespace aquatic {
namespace {

std::vector<const Protocol*>& Registry() {
  static auto* protocols = new std::vector<const Protocol*>();
  return *protocols;
}

}  // namespace

void RegisterProtocol(const Protocol* protocol) {
  std::vector<const Protocol*>& protocols = Registry();
  protocols.push_back(protocol);
  std::stable_sort(protocols.begin(), protocols.end(),
                   [](const Protocol* a, const Protocol* b) { return a->order() < b->order(); });
}

std::vector<const Protocol*> Protocols() { return Registry(); }

const Protocol* FindProtocol(absl::string_view name) {
  for (const Protocol* protocol : Registry()) {
    if (protocol->name() == name) return protocol;
  }
  return nullptr;
}

}  // namespace aquatic
