// Fuzz target: the bencode reader (HTTP tracker responses as the load tester
// and tests read them). Invariant: strict bencode is canonical, so whatever
// parses serializes back to exactly the input.
#include <cstdint>
#include <string>

#include "codec/runtime/bencode.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<aquatic::codec::BencodeValue> value = aquatic::codec::ParseBencode(input);
  if (!value.ok()) return 0;
  FUZZ_CHECK(aquatic::codec::SerializeBencode(*value) == input);
  return 0;
}
