// The private tracker the handler fuzz targets run: one valid key (kFuzzKey,
// never expiring) and a client filter denying peer ids that start "-XX".
#ifndef AQUATIC_FUZZ_PRIVATE_ADMISSION_H_
#define AQUATIC_FUZZ_PRIVATE_ADMISSION_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "tracker/admission/admission.h"

namespace aquatic::fuzz {

inline constexpr absl::string_view kFuzzKey = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
inline constexpr absl::string_view kDeniedClient = "-XX";

inline std::unique_ptr<admission::Admission> PrivateAdmission() {
  auto filter = admission::ClientFilter::Parse(admission::ClientFilterMode::kDeny,
                                               kDeniedClient, "fuzz");
  auto admission = std::make_unique<admission::Admission>(
      true,
      std::make_unique<admission::ClientFilterHolder>(admission::ClientFilterMode::kDeny, "",
                                                      *filter),
      nullptr, nullptr);
  admission->keys().Put(*ParseTrackerKey(kFuzzKey), 0);
  return admission;
}

}  // namespace aquatic::fuzz

#endif  // AQUATIC_FUZZ_PRIVATE_ADMISSION_H_
