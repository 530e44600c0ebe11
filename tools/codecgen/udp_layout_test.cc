// The UDP layout refuses inconsistent (udp) options with an error naming the
// field at fault; here for `tlv` fields (BEP 41 style options).
#include "tools/codecgen/udp_layout.h"

#include <string>

#include <google/protobuf/descriptor.h>

#include "gtest/gtest.h"
#include "tools/codecgen/test_schemas.h"

namespace aquatic::codecgen {
namespace {

using google::protobuf::Descriptor;

// The layout error of message M of `body` (without its package), or "ok".
std::string Check(const std::string& body) {
  static TestSchemas* schemas = new TestSchemas();
  const Descriptor* message = schemas->Message(body, "M");
  if (message == nullptr) return "schema did not build";
  absl::StatusOr<UdpLayout> layout = BuildUdpLayout(*message);
  if (layout.ok()) return "ok";
  absl::string_view error = layout.status().message();
  error.remove_prefix(error.find('.') + 1);
  return std::string(error);
}

// Message M: a 4-byte id, then `declaration` (field 2 at offset 4), with
// `message_options` added.
std::string Tail(const std::string& declaration, const std::string& message_options = "") {
  return "message M { option (aquatic.codec.schema.codec) = {wire: WIRE_UDP" + message_options +
         "};\n"
         "optional uint32 id = 1 [(aquatic.codec.schema.udp) = {offset: 0, width: 4}];\n" +
         declaration + "\n}";
}

std::string TlvField(const std::string& type, const std::string& udp) {
  return "optional " + type + " data = 2 [(aquatic.codec.schema.udp) = {offset: 4, " + udp +
         "}];";
}

TEST(UdpLayoutTest, TlvField) {
  const std::string bep41 = "tlv: {end_type: 0, nop_type: 1, data_type: 2}";
  EXPECT_EQ(Check(Tail(TlvField("bytes", "max_count: 1024, " + bep41))), "ok");
  EXPECT_EQ(Check(Tail(TlvField("string", "max_count: 8, " + bep41))), "ok");
  EXPECT_EQ(Check(Tail(TlvField("uint32", "width: 4, max_count: 8, " + bep41))),
            "M.data: `tlv` needs a string or bytes field");
  EXPECT_EQ(Check(Tail(TlvField("bytes", bep41))), "M.data: `tlv` field needs max_count");
  EXPECT_EQ(Check(Tail(TlvField("bytes", "max_count: 8, rest: true, " + bep41))),
            "M.data: `tlv` and `rest` exclude each other");
  EXPECT_EQ(Check(Tail(TlvField("bytes", "max_count: 8, tlv: {end_type: 0, nop_type: 1}"))),
            "M.data: `tlv` needs end_type, nop_type and data_type");
  EXPECT_EQ(
      Check(Tail(TlvField("bytes", "max_count: 8, tlv: {end_type: 0, nop_type: 1, data_type: 0}"))),
      "M.data: `tlv` end_type, nop_type and data_type must differ");
  EXPECT_EQ(Check(Tail(TlvField("bytes",
                                "max_count: 8, tlv: {end_type: 0, nop_type: 1, data_type: 256}"))),
            "M.data: `tlv` types are one byte");
  // The options fill the rest: they follow the fixed fields, nothing else may
  // take the rest, and there are no trailing bytes to allow.
  EXPECT_EQ(Check(Tail("optional bytes data = 2 [(aquatic.codec.schema.udp) = {offset: 5, "
                       "max_count: 8, " + bep41 + "}];")),
            "M.data: offset 5 must be 4, the end of the fixed fields");
  EXPECT_EQ(Check(Tail(TlvField("bytes", "max_count: 8, " + bep41) +
                       "optional bytes text = 3 [(aquatic.codec.schema.udp) = {offset: 4, rest: "
                       "true, max_count: 8}];")),
            "M.text: only one field may fill the rest of the message");
  EXPECT_EQ(Check(Tail(TlvField("bytes", "max_count: 8, " + bep41), ", allow_trailing_bytes: true")),
            "M: allow_trailing_bytes with a field taking the rest");
}

}  // namespace
}  // namespace aquatic::codecgen
