// Fuzz target: bencoded HTTP tracker responses as the load tester and tests
// read them. Invariant: a response that parses serializes (keys sorted) to
// bytes that parse to the same struct.
#include <cstdint>
#include <vector>

#include "codec/http/http.codec.h"
#include "fuzz/fuzz_check.h"

namespace {

template <typename Response>
void CheckRoundTrip(absl::string_view input) {
  Response response;
  if (!aquatic::codec::http::Parse(input, &response).ok()) return;
  std::vector<char> buffer(input.size() * 2 + 64);
  absl::StatusOr<size_t> written =
      aquatic::codec::http::Serialize(response, absl::MakeSpan(buffer));
  if (!written.ok()) {
    // Only "compact and list peers both set" cannot be written, and a parse
    // never sets both.
    FUZZ_CHECK(false && "a parsed response must serialize");
  }
  Response reparsed;
  FUZZ_CHECK(
      aquatic::codec::http::Parse(absl::string_view(buffer.data(), *written), &reparsed).ok());
  FUZZ_CHECK(reparsed == response);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  CheckRoundTrip<aquatic::codec::http::AnnounceResponse>(input);
  CheckRoundTrip<aquatic::codec::http::ScrapeResponse>(input);
  CheckRoundTrip<aquatic::codec::http::FailureResponse>(input);
  return 0;
}
