// Unchecked big-endian loads and stores for generated codecs.
//
// Generated Parse/Serialize functions check the whole message size once and
// then read each field at its fixed offset with these, which compile to one
// load/store plus a byte swap. Use ByteReader/ByteWriter (byte_io.h) where
// sizes are not checked up front.
#ifndef AQUATIC_CODEC_RUNTIME_BIG_ENDIAN_H_
#define AQUATIC_CODEC_RUNTIME_BIG_ENDIAN_H_

#include <cstdint>
#include <cstring>

namespace aquatic::codec {

inline uint8_t LoadU8(const uint8_t* p) { return p[0]; }

inline uint16_t LoadU16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof(v));
  return __builtin_bswap16(v);
}

inline uint32_t LoadU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return __builtin_bswap32(v);
}

inline uint64_t LoadU64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return __builtin_bswap64(v);
}

inline void StoreU8(uint8_t* p, uint8_t v) { p[0] = v; }

inline void StoreU16(uint8_t* p, uint16_t v) {
  v = __builtin_bswap16(v);
  std::memcpy(p, &v, sizeof(v));
}

inline void StoreU32(uint8_t* p, uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, sizeof(v));
}

inline void StoreU64(uint8_t* p, uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(p, &v, sizeof(v));
}

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "LoadU*/StoreU* assume a little-endian host");

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_BIG_ENDIAN_H_
