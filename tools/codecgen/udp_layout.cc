#include "tools/codecgen/udp_layout.h"

#include <algorithm>

#include <google/protobuf/descriptor.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "codec/schema/options.pb.h"

namespace aquatic::codecgen {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

absl::Status LayoutError(const FieldDescriptor& field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field.full_name(), ": ", problem));
}

// Widest value each proto scalar type can hold, in bytes.
uint32_t MaxWidth(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_ENUM:
      return 4;
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT64:
      return 8;
    default:
      return 0;
  }
}

}  // namespace

absl::StatusOr<UdpLayout> BuildUdpLayout(const Descriptor& message) {
  const codec::schema::MessageCodec& message_options = message.options().GetExtension(codec::schema::codec);
  UdpLayout layout;
  layout.message = &message;
  layout.element = message_options.element();
  layout.allow_trailing_bytes = message_options.allow_trailing_bytes();

  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor& field = *message.field(i);
    if (!field.options().HasExtension(codec::schema::udp)) {
      return LayoutError(field, "has no (udp) layout option");
    }
    const codec::schema::UdpField& udp = field.options().GetExtension(codec::schema::udp);
    UdpLayoutField entry;
    entry.field = &field;
    entry.offset = udp.offset();
    entry.width = udp.width();
    entry.max_count = udp.max_count();
    if (udp.has_constant()) entry.constant = udp.constant();

    if (field.is_repeated()) {
      if (field.cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
          !field.message_type()->options().GetExtension(codec::schema::codec).element()) {
        return LayoutError(field, "repeated fields must be of a message with `element: true`");
      }
      if (entry.max_count == 0) return LayoutError(field, "repeated field needs max_count");
      entry.kind = UdpLayoutField::Kind::kRepeated;
    } else if (udp.has_tlv()) {
      if (field.type() != FieldDescriptor::TYPE_STRING &&
          field.type() != FieldDescriptor::TYPE_BYTES) {
        return LayoutError(field, "`tlv` needs a string or bytes field");
      }
      if (udp.rest()) return LayoutError(field, "`tlv` and `rest` exclude each other");
      if (entry.max_count == 0) return LayoutError(field, "`tlv` field needs max_count");
      const codec::schema::UdpTlv& tlv = udp.tlv();
      if (!tlv.has_end_type() || !tlv.has_nop_type() || !tlv.has_data_type()) {
        return LayoutError(field, "`tlv` needs end_type, nop_type and data_type");
      }
      if (tlv.end_type() > 0xff || tlv.nop_type() > 0xff || tlv.data_type() > 0xff) {
        return LayoutError(field, "`tlv` types are one byte");
      }
      if (tlv.end_type() == tlv.nop_type() || tlv.end_type() == tlv.data_type() ||
          tlv.nop_type() == tlv.data_type()) {
        return LayoutError(field, "`tlv` end_type, nop_type and data_type must differ");
      }
      entry.tlv_end_type = static_cast<uint8_t>(tlv.end_type());
      entry.tlv_nop_type = static_cast<uint8_t>(tlv.nop_type());
      entry.tlv_data_type = static_cast<uint8_t>(tlv.data_type());
      entry.kind = UdpLayoutField::Kind::kTlv;
    } else if (udp.rest()) {
      if (field.type() != FieldDescriptor::TYPE_STRING &&
          field.type() != FieldDescriptor::TYPE_BYTES) {
        return LayoutError(field, "`rest` needs a string or bytes field");
      }
      if (entry.max_count == 0) return LayoutError(field, "`rest` field needs max_count");
      entry.kind = UdpLayoutField::Kind::kRest;
    } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (entry.width == 0) return LayoutError(field, "bytes field needs a width");
      entry.kind = UdpLayoutField::Kind::kBytes;
    } else {
      const uint32_t width = entry.width;
      if (width != 1 && width != 2 && width != 4 && width != 8) {
        return LayoutError(field, "integer width must be 1, 2, 4 or 8 bytes");
      }
      if (MaxWidth(field) == 0) return LayoutError(field, "unsupported field type");
      if (width > MaxWidth(field)) {
        return LayoutError(field, absl::StrCat("width ", width, " does not fit its type"));
      }
      entry.kind = field.cpp_type() == FieldDescriptor::CPPTYPE_ENUM
                       ? UdpLayoutField::Kind::kEnum
                       : UdpLayoutField::Kind::kInteger;
      entry.is_signed = field.cpp_type() == FieldDescriptor::CPPTYPE_INT32 ||
                        field.cpp_type() == FieldDescriptor::CPPTYPE_INT64;
    }
    if (entry.constant.has_value() && entry.kind != UdpLayoutField::Kind::kInteger) {
      return LayoutError(field, "only integer fields can be constants");
    }

    if (entry.kind == UdpLayoutField::Kind::kRepeated ||
        entry.kind == UdpLayoutField::Kind::kRest || entry.kind == UdpLayoutField::Kind::kTlv) {
      if (layout.tail.has_value()) {
        return LayoutError(field, "only one field may fill the rest of the message");
      }
      if (layout.element) return LayoutError(field, "elements have fixed size");
      layout.tail = entry;
    } else {
      layout.fixed.push_back(entry);
    }
  }

  std::sort(layout.fixed.begin(), layout.fixed.end(),
            [](const UdpLayoutField& a, const UdpLayoutField& b) { return a.offset < b.offset; });
  uint32_t end = 0;
  for (const UdpLayoutField& entry : layout.fixed) {
    if (entry.offset != end) {
      return LayoutError(*entry.field, absl::StrCat("offset ", entry.offset,
                                                    " leaves a gap or overlap: expected ", end));
    }
    end += entry.width;
  }
  layout.fixed_size = end;
  if (layout.tail.has_value() && layout.tail->offset != end) {
    return LayoutError(*layout.tail->field,
                       absl::StrCat("offset ", layout.tail->offset, " must be ", end,
                                    ", the end of the fixed fields"));
  }
  if (layout.tail.has_value() && layout.allow_trailing_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(message.full_name(), ": allow_trailing_bytes with a field taking the rest"));
  }
  return layout;
}

}  // namespace aquatic::codecgen
