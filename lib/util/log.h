// Process-wide logging: one line per record on stderr. When stderr is the
// systemd journal (JOURNAL_STREAM matches), each line starts with the
// "<N>" syslog priority and has no timestamp (journald adds its own);
// otherwise it starts with a UTC timestamp and the level name.
// Secrets registered with AddSecret are redacted in the sink itself, so no
// call site can leak one by accident. Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace util::log {

enum class Level { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

// Parses "error", "warn", "info", "debug"; false for anything else.
bool ParseLevel(std::string_view text, Level* level);
const char* LevelName(Level level);

void SetLevel(Level level);
Level GetLevel();
bool Enabled(Level level);

// Registers a value that must never appear in a log line (tokens). Values
// shorter than 6 characters are ignored: redacting "a" would shred logs.
void AddSecret(std::string_view secret);
// Replaces registered secrets and anything shaped like a Slack token
// (xoxb-…, xapp-…, xoxp-…) with "[redacted]".
std::string Redact(std::string_view text);

// Replaces the sink (tests). The sink receives the finished line without the
// trailing newline. Pass nullptr to restore stderr.
using Sink = std::function<void(Level, const std::string&)>;
void SetSink(Sink sink);

// Decides the stderr format from JOURNAL_STREAM; called once at start.
void DetectJournal();

void Write(Level level, std::string_view message);

// Formats only when `level` is enabled.
template <class... Args>
void Log(Level level, fmt::format_string<Args...> format, Args&&... args) {
  if (Enabled(level)) Write(level, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void Error(fmt::format_string<Args...> f, Args&&... a) { Log<Args...>(Level::kError, f, std::forward<Args>(a)...); }
template <class... Args>
void Warn(fmt::format_string<Args...> f, Args&&... a) { Log<Args...>(Level::kWarn, f, std::forward<Args>(a)...); }
template <class... Args>
void Info(fmt::format_string<Args...> f, Args&&... a) { Log<Args...>(Level::kInfo, f, std::forward<Args>(a)...); }
template <class... Args>
void Debug(fmt::format_string<Args...> f, Args&&... a) { Log<Args...>(Level::kDebug, f, std::forward<Args>(a)...); }

}  // namespace util::log
