// The JSON emitter refuses inconsistent (json) options with an error naming
// the field at fault.
#include "tools/codecgen/json_emitter.h"

#include <string>

#include <google/protobuf/descriptor.h>

#include "gtest/gtest.h"
#include "tools/codecgen/test_schemas.h"

namespace aquatic::codecgen {
namespace {

using google::protobuf::Descriptor;

// The error for message `name` of `body` (without its package), or "ok".
std::string Check(const std::string& body, const std::string& name = "M") {
  static TestSchemas* schemas = new TestSchemas();
  const Descriptor* message = schemas->Message(body, name);
  if (message == nullptr) return "schema did not build";
  absl::StatusOr<std::unique_ptr<MessageEmitter>> emitter = MakeJsonEmitter(*message);
  if (emitter.ok()) return "ok";
  // Without the test's package name ("t7."): errors start at the message.
  absl::string_view error = emitter.status().message();
  error.remove_prefix(error.find('.') + 1);
  return std::string(error);
}

std::string Field(const std::string& declaration) {
  return "message M { option (aquatic.codec.schema.codec).wire = WIRE_JSON;\n" + declaration +
         "\n}";
}

TEST(JsonEmitterTest, AcceptsConsistentOptions) {
  EXPECT_EQ(Check(Field("optional bytes h = 1 [(aquatic.codec.schema.json) = "
                        "{key: \"h\", kind: JSON_KIND_LATIN1, width: 20}];")),
            "ok");
}

TEST(JsonEmitterTest, NamesTheFieldAtFault) {
  const std::pair<std::string, std::string> cases[] = {
      {"optional bytes h = 1;", "M.h: has no (json) option"},
      {"optional bytes h = 1 [(aquatic.codec.schema.json) = {kind: JSON_KIND_LATIN1, width: 2}];",
       "M.h: needs (json).key"},
      {"optional bytes h = 1 [(aquatic.codec.schema.json) = {key: \"h\", kind: JSON_KIND_LATIN1}];",
       "M.h: JSON_KIND_LATIN1 needs (json).width"},
      {"optional string h = 1 [(aquatic.codec.schema.json) = {key: \"h\", kind: JSON_KIND_LATIN1, "
       "width: 2}];",
       "M.h: JSON_KIND_LATIN1 needs a bytes field"},
      {"optional int32 n = 1 [(aquatic.codec.schema.json) = {key: \"n\", kind: JSON_KIND_INTEGER}];",
       "M.n: JSON_KIND_INTEGER needs an int64 field"},
      {"optional string s = 1 [(aquatic.codec.schema.json) = {key: \"s\", kind: JSON_KIND_STRING}];",
       "M.s: JSON_KIND_STRING needs (json).max_length"},
      {"optional int64 n = 1 [(aquatic.codec.schema.json) = {key: \"n\", kind: JSON_KIND_INTEGER, "
       "constant: \"x\"}];",
       "M.n: (json).constant is only for singular JSON_KIND_STRING fields"},
      {"repeated bytes h = 1 [(aquatic.codec.schema.json) = {key: \"h\", kind: JSON_KIND_LATIN1, "
       "width: 2}];",
       "M.h: repeated field needs (json).max_count"},
      {"optional bytes h = 1 [(aquatic.codec.schema.json) = {key: \"h\", kind: JSON_KIND_LATIN1, "
       "width: 2, one_or_many: true}];",
       "M.h: max_count, one_or_many and map_key_field are for repeated fields"},
      {"optional string a = 1 [(aquatic.codec.schema.json) = {key: \"k\", kind: JSON_KIND_STRING, "
       "max_length: 1}];\n optional string b = 2 [(aquatic.codec.schema.json) = {key: \"k\", "
       "kind: JSON_KIND_STRING, max_length: 1}];",
       "M.b: JSON key \"k\" is used twice"},
  };
  for (const auto& [declaration, error] : cases) {
    EXPECT_EQ(Check(Field(declaration)), error) << declaration;
  }
}

TEST(JsonEmitterTest, NestedAndMapKeys) {
  const std::string element =
      "message E { option (aquatic.codec.schema.codec) = {wire: WIRE_JSON, nested: true};\n"
      "  optional bytes id = 1 [(aquatic.codec.schema.json) = {key: \"id\", kind: "
      "JSON_KIND_LATIN1, width: 2}];\n"
      "  optional int64 n = 2 [(aquatic.codec.schema.json) = {key: \"n\", kind: "
      "JSON_KIND_INTEGER, required: true}];\n}\n";
  EXPECT_EQ(Check(element + Field("repeated E e = 1 [(aquatic.codec.schema.json) = {key: \"e\", "
                                  "kind: JSON_KIND_OBJECT, max_count: 2, map_key_field: \"n\"}];")),
            "M.e: map_key_field 'n' must name a required LATIN1 field of E");
  EXPECT_EQ(Check(element + Field("repeated E e = 1 [(aquatic.codec.schema.json) = {key: \"e\", "
                                  "kind: JSON_KIND_OBJECT, max_count: 2, map_key_field: \"x\"}];")),
            "M.e: map_key_field 'x' is not a field of E");
  EXPECT_EQ(Check(element + Field("optional E e = 1 [(aquatic.codec.schema.json) = {key: \"e\", "
                                  "kind: JSON_KIND_OBJECT}];"),
                  "E"),
            "ok");
  EXPECT_EQ(Check(element, "E"), "E: nested, but no field of its file holds it");
  // Defined after its user.
  EXPECT_EQ(Check(Field("optional E e = 1 [(aquatic.codec.schema.json) = {key: \"e\", kind: "
                        "JSON_KIND_OBJECT}];") +
                  element),
            "M.e: E must be defined before M in the same file");
  EXPECT_EQ(Check("message E { optional int64 n = 1; }\n" +
                  Field("optional E e = 1 [(aquatic.codec.schema.json) = {key: \"e\", kind: "
                        "JSON_KIND_OBJECT}];")),
            "M.e: E must be a WIRE_JSON message with nested: true");
}

TEST(JsonEmitterTest, EnumsNeedJsonNames) {
  EXPECT_EQ(Check("enum Ev { EV_A = 0; }\n" +
                  Field("optional Ev ev = 1 [(aquatic.codec.schema.json) = {key: \"ev\", kind: "
                        "JSON_KIND_ENUM}];")),
            "M.ev: enum Ev has no (json_name) values");
}

}  // namespace
}  // namespace aquatic::codecgen
