// Civil time for the fake Jira: a few IANA zones as fixed POSIX-style DST
// rules (no tz database needed), conversions between epoch milliseconds and
// local wall-clock time, and Jira's date formats. Pure functions, any thread.
#pragma once

#include <string>

namespace fake {

struct CivilTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millis = 0;
  int weekday = 4;  // 0 = Sunday
};

// True for the zones the fake knows (UTC, Europe/Berlin and its CET
// siblings, Europe/London, America/New_York, America/Los_Angeles,
// Asia/Tokyo, Asia/Kolkata, Australia/Sydney).
bool KnownTimeZone(const std::string& zone);

// The zone's offset from UTC at the instant `epoch_ms`, in minutes (+60
// for Berlin in winter). Unknown zones count as UTC.
int UtcOffsetMinutes(const std::string& zone, long long epoch_ms);

// The instant at which the wall clock in `zone` shows the given time. In the
// autumn overlap the earlier instant (summer time) wins and a time in the
// spring gap is read with the standard offset, as java.time does.
long long LocalToEpochMs(const std::string& zone, int year, int month, int day, int hour, int minute);

// Broken-down time of `epoch_ms` shifted by `offset_minutes`.
CivilTime ToCivil(long long epoch_ms, int offset_minutes);

// Days since 1970-01-01 of a proleptic Gregorian date.
long long DaysFromCivil(int year, int month, int day);

// "2026-11-24T12:34:00.000+0100": the platform API's format (and DateDTO.jira).
std::string FormatJiraTime(long long epoch_ms, const std::string& zone);
// "2026-11-24T12:34:00+0100": DateDTO.iso8601 (no milliseconds).
std::string FormatIso8601(long long epoch_ms, const std::string& zone);
// "24/Nov/26 12:34 PM": DateDTO.friendly (localised and approximate in
// reality; clients must not parse it).
std::string FormatFriendly(long long epoch_ms, const std::string& zone);
// "2026-11-24T12:34Z": the X-RateLimit-Reset format.
std::string FormatUtcMinute(long long epoch_ms);

}  // namespace fake
