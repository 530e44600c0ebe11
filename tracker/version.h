// The version `aquatic -v` prints. A constant, not a build stamp: builds are
// reproducible.
#ifndef AQUATIC_TRACKER_VERSION_H_
#define AQUATIC_TRACKER_VERSION_H_

namespace aquatic {

inline constexpr char kAquaticVersion[] = "0.1.0";

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_VERSION_H_
