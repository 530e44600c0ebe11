// Emits the C++ of WIRE_UDP messages: a plain struct per message with its
// layout constants, and straight-line Parse/Serialize over fixed offsets.
#ifndef AQUATIC_TOOLS_CODECGEN_UDP_EMITTER_H_
#define AQUATIC_TOOLS_CODECGEN_UDP_EMITTER_H_

#include <string>

#include "tools/codecgen/udp_layout.h"

namespace aquatic::codecgen {

// The struct definition (header).
void EmitUdpStruct(const UdpLayout& layout, std::string* out);

// Parse/Serialize declarations (header); nothing for elements.
void EmitUdpDeclarations(const UdpLayout& layout, std::string* out);

// Element load/store helpers (source, anonymous namespace).
void EmitUdpElementHelpers(const UdpLayout& layout, std::string* out);

// Parse/Serialize definitions (source); nothing for elements.
void EmitUdpDefinitions(const UdpLayout& layout, std::string* out);

}  // namespace aquatic::codecgen

#endif  // AQUATIC_TOOLS_CODECGEN_UDP_EMITTER_H_
