#pragma once

namespace tfkms::cli {

inline constexpr int k_exit_clean = 0;    ///< nothing at or above --fail-on
inline constexpr int k_exit_findings = 1; ///< findings at or above --fail-on
inline constexpr int k_exit_usage = 2;    ///< bad usage, or an input that could not be read
inline constexpr int k_exit_internal = 3; ///< a bug in tfkms

} // namespace tfkms::cli
