// Linked into the portable build only (cmake/Portable.cmake). Debian 12's libstdc++.a (GCC 12,
// built against glibc 2.36) seeds std::random_device with arc4random, which glibc has only since
// 2.36; static libstdc++ drags that reference in even though tfkms never makes a random_device.
// Defining arc4random in the binary satisfies it there, so the binary keeps to glibc 2.35.
// Same contract as glibc's: 32 uniformly random bits from the kernel (getrandom(2), glibc 2.25);
// it cannot fail, so an unexpected error aborts, as glibc's does.
#include <sys/random.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" std::uint32_t arc4random() noexcept {
  std::uint32_t value = 0;
  auto* bytes = reinterpret_cast<unsigned char*>(&value);
  std::size_t filled = 0;
  while (filled < sizeof value) {
    const ssize_t got = getrandom(bytes + filled, sizeof value - filled, 0);
    if (got > 0) {
      filled += static_cast<std::size_t>(got);
    } else if (errno != EINTR) {
      std::abort();
    }
  }
  return value;
}
