#include "util/log.h"

#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <vector>

namespace util::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::mutex g_mutex;  // guards everything below
std::vector<std::string> g_secrets;
Sink g_sink;
bool g_journal = false;

int SyslogPriority(Level level) {
  switch (level) {
    case Level::kError: return 3;
    case Level::kWarn: return 4;
    case Level::kInfo: return 6;
    case Level::kDebug: return 7;
  }
  return 6;
}

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// Slack tokens all start with "xox?-" or "xapp-"; redact the whole run of
// token characters that follows.
std::string RedactTokenShapes(std::string text) {
  static const char* const kPrefixes[] = {"xoxb-", "xoxp-", "xoxa-", "xoxe-", "xapp-"};
  for (const char* prefix : kPrefixes) {
    std::string_view p(prefix);
    size_t at = 0;
    while ((at = text.find(p, at)) != std::string::npos) {
      size_t end = at + p.size();
      while (end < text.size() && IsTokenChar(text[end])) ++end;
      text.replace(at, end - at, "[redacted]");
      at += 10;
    }
  }
  return text;
}

std::string RedactLocked(std::string_view input) {
  std::string text(input);
  for (const std::string& secret : g_secrets) {
    size_t at = 0;
    while ((at = text.find(secret, at)) != std::string::npos) {
      text.replace(at, secret.size(), "[redacted]");
      at += 10;
    }
  }
  return RedactTokenShapes(std::move(text));
}

}  // namespace

bool ParseLevel(std::string_view text, Level* level) {
  if (text == "error") *level = Level::kError;
  else if (text == "warn") *level = Level::kWarn;
  else if (text == "info") *level = Level::kInfo;
  else if (text == "debug") *level = Level::kDebug;
  else return false;
  return true;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kError: return "error";
    case Level::kWarn: return "warn";
    case Level::kInfo: return "info";
    case Level::kDebug: return "debug";
  }
  return "info";
}

void SetLevel(Level level) { g_level.store(static_cast<int>(level)); }
Level GetLevel() { return static_cast<Level>(g_level.load()); }
bool Enabled(Level level) { return static_cast<int>(level) <= g_level.load(); }

void AddSecret(std::string_view secret) {
  if (secret.size() < 6) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  for (const std::string& known : g_secrets) {
    if (known == secret) return;
  }
  g_secrets.emplace_back(secret);
}

std::string Redact(std::string_view text) {
  std::lock_guard<std::mutex> lock(g_mutex);
  return RedactLocked(text);
}

void SetSink(Sink sink) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_sink = std::move(sink);
}

void DetectJournal() {
  // systemd sets JOURNAL_STREAM=<device>:<inode> of the stream it connected
  // to stderr; only trust it when stderr is still that stream.
  const char* stream = std::getenv("JOURNAL_STREAM");
  bool journal = false;
  struct stat st {};
  if (stream != nullptr && fstat(2, &st) == 0) {
    unsigned long long dev = 0, ino = 0;
    if (std::sscanf(stream, "%llu:%llu", &dev, &ino) == 2) {
      journal = dev == static_cast<unsigned long long>(st.st_dev) &&
                ino == static_cast<unsigned long long>(st.st_ino);
    }
  }
  std::lock_guard<std::mutex> lock(g_mutex);
  g_journal = journal;
}

void Write(Level level, std::string_view message) {
  std::lock_guard<std::mutex> lock(g_mutex);
  std::string line;
  std::string clean = RedactLocked(message);
  // One record, one line: a newline inside a message would split it.
  for (char& c : clean) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (g_sink) {
    g_sink(level, clean);
    return;
  }
  if (g_journal) {
    line = fmt::format("<{}>{}\n", SyslogPriority(level), clean);
  } else {
    std::timespec ts{};
    std::timespec_get(&ts, TIME_UTC);
    std::tm tm{};
    gmtime_r(&ts.tv_sec, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    line = fmt::format("{}.{:03d}Z {} {}\n", stamp, static_cast<int>(ts.tv_nsec / 1000000),
                       LevelName(level), clean);
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace util::log
