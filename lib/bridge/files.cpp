#include "bridge/files.h"

#include <utility>

#include <fmt/format.h>

namespace bridge {

std::string FormatSize(long long bytes) {
  constexpr long long kKiB = 1024;
  constexpr long long kMiB = kKiB * 1024;
  constexpr long long kGiB = kMiB * 1024;
  for (auto [unit, name] : {std::pair{kGiB, "GB"}, std::pair{kMiB, "MB"}, std::pair{kKiB, "KB"}}) {
    if (bytes < unit) continue;
    // Whole units, or one decimal (cut, never rounded up) when it matters:
    // 10.4 MB must not read as the 10 MB limit it exceeds.
    if (bytes % unit == 0 || bytes >= 100 * unit) return fmt::format("{} {}", bytes / unit, name);
    return fmt::format("{}.{} {}", bytes / unit, (bytes % unit) * 10 / unit, name);
  }
  return fmt::format("{} bytes", bytes < 0 ? 0 : bytes);
}

std::string NotCopiedLine(const NotCopied& file) {
  std::string name = file.name.empty() ? "a file" : file.name;
  if (!file.reason.empty()) return name + " not copied: " + file.reason;
  return fmt::format("{} not copied: {}, limit {}", name, FormatSize(file.size), FormatSize(file.limit));
}

bool HasContents(const SharedFile& file) { return !file.url.empty(); }

}  // namespace bridge
