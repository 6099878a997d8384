// Helpers of the file tests end to end (files_e2e_test, attachments_e2e_test):
// contents a checksum tells apart, and the daemon's peak memory.
#pragma once

#include <fstream>
#include <string>

namespace e2e {

// `size` bytes that are not all alike, so a checksum tells a copy from a
// truncated or shifted one.
inline std::string Bytes(size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
  return out;
}

// The peak resident set (VmHWM) of process `pid` in kB, -1 when unknown.
inline long long PeakRssKb(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

}  // namespace e2e
