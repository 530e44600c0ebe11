// Fuzz target: HTTP announce and scrape request targets as the HTTP tracker
// receives them. Invariant: a target that parses, serialized again, parses to
// the same struct.
#include <cstdint>
#include <string>

#include "codec/http/http.codec.h"
#include "fuzz/fuzz_check.h"

namespace {

template <typename Request>
void CheckRoundTrip(absl::string_view target) {
  Request request;
  if (!aquatic::codec::http::Parse(target, &request).ok()) return;
  std::string again;
  aquatic::codec::http::Serialize(request, &again);
  Request reparsed;
  FUZZ_CHECK(aquatic::codec::http::Parse(again, &reparsed).ok());
  FUZZ_CHECK(reparsed == request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  CheckRoundTrip<aquatic::codec::http::AnnounceRequest>(input);
  CheckRoundTrip<aquatic::codec::http::ScrapeRequest>(input);
  return 0;
}
