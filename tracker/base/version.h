// The version `aquatic -v` prints. A constant, not a build stamp: builds are
// reproducible.
#ifndef AQUATIC_TRACKER_BASE_VERSION_H_
#define AQUATIC_TRACKER_BASE_VERSION_H_

namespace aquatic {

inline constexpr char kAquaticVersion[] = "0.1.0";
// The commit a release build was made from; "unknown" in the reproducible
// development build (stamping it would make every commit's binary differ).
inline constexpr char kAquaticCommit[] = "unknown";

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_VERSION_H_
