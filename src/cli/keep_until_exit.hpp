#pragma once
// What a command is done with just before the process ends need not be taken apart: freeing a
// large plan's graph and report object by object took about 4% of `tfkms check` on a 63 MB plan,
// to return memory the exit returns anyway (compilers skip the same work). What is kept stays
// reachable from a static, so leak checkers do not count it as lost.
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace tfkms::cli {

template <class T> void keep_until_exit(T&& value) {
  static auto* const kept = new std::vector<std::shared_ptr<const void>>();
  kept->push_back(std::make_shared<const std::decay_t<T>>(std::forward<T>(value)));
}

} // namespace tfkms::cli
