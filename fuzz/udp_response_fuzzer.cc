// Fuzz target: UDP tracker responses, as the load tester and clients read
// them. Invariant: every response type that parses re-serializes to exactly
// the input bytes (the layouts are canonical).
#include <cstdint>
#include <cstring>
#include <vector>

#include "codec/udp/udp.codec.h"
#include "fuzz/fuzz_check.h"

namespace {

using namespace aquatic::codec::udp;  // NOLINT: fuzz target brevity

template <typename Message>
void TryParse(absl::Span<const uint8_t> input) {
  Message message;
  if (!Parse(input, &message).ok()) return;
  std::vector<uint8_t> wire(SerializedSize(message));
  absl::StatusOr<size_t> written = Serialize(message, absl::MakeSpan(wire));
  FUZZ_CHECK(written.ok());
  FUZZ_CHECK(wire.size() == input.size() &&
             (wire.empty() || std::memcmp(wire.data(), input.data(), wire.size()) == 0));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> input(data, size);
  TryParse<ConnectResponse>(input);
  TryParse<AnnounceResponseV4>(input);
  TryParse<AnnounceResponseV6>(input);
  TryParse<ScrapeResponse>(input);
  TryParse<ErrorResponse>(input);
  return 0;
}
