// Fuzz target: the HTTP request-target query reader and percent-decoding (the
// part of HTTP announce/scrape parsing that exists so far). Invariant: any
// decoded value percent-encodes and decodes back to itself.
#include <cstdint>
#include <string>

#include "codec/runtime/latin1.h"
#include "codec/runtime/query_string.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  aquatic::codec::QueryReader reader(input);
  absl::string_view key;
  absl::string_view value;
  size_t pairs = 0;
  while (reader.Next(&key, &value)) {
    FUZZ_CHECK(++pairs <= size + 1);
    std::string decoded;
    if (!aquatic::codec::PercentDecodeToString(value, 4096, &decoded)) continue;
    FUZZ_CHECK(decoded.size() <= value.size());
    std::string encoded;
    aquatic::codec::PercentEncode(decoded, &encoded);
    std::string round_trip;
    FUZZ_CHECK(aquatic::codec::PercentDecodeToString(encoded, 3 * 4096, &round_trip));
    FUZZ_CHECK(round_trip == decoded);
  }
  // The same bytes as WebTorrent text: Latin-1 <-> UTF-8 round trip.
  uint8_t latin1[4096];
  size_t latin1_size = 0;
  if (size <= sizeof(latin1) &&
      aquatic::codec::Utf8ToLatin1(input, latin1, sizeof(latin1), &latin1_size)) {
    std::string utf8;
    aquatic::codec::AppendLatin1AsUtf8(absl::MakeConstSpan(latin1, latin1_size), &utf8);
    FUZZ_CHECK(utf8 == input);
  }
  return 0;
}
