#pragma once
// A stream buffer that lends its put area to a printer (json_printer.hpp). A report of a large plan
// is tens of megabytes: printed into the printer's own block and copied into the buffer's, every
// byte was written twice.
#include <span>
#include <streambuf>

namespace tfkms::report {

class PrintBuffer : public std::streambuf {
public:
  /// The free part of the put area, where a printer may print. When none is left, the area is
  /// handed on and made anew, as overflow() does when the area is full. Empty when the buffer
  /// takes no more text.
  [[nodiscard]] std::span<char> free_room() {
    if (pptr() == epptr())
      overflow(traits_type::eof());
    return {pptr(), epptr()};
  }
  /// The text printed into free_room() ends at `end`.
  void printed_up_to(const char* end) { pbump(static_cast<int>(end - pptr())); }
};

} // namespace tfkms::report
