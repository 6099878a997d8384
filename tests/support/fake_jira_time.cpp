#include "fake_jira_time.h"

#include <cstdlib>

#include <fmt/format.h>

namespace fake {
namespace {

constexpr long long kMinuteMs = 60 * 1000;
constexpr long long kDayMs = 24 * 60 * kMinuteMs;

// A POSIX "Mm.w.d/time" rule: the w-th (5 = last) weekday d of month m, at
// `minute_of_day` of the local time in force before the change.
struct Transition {
  int month;
  int week;
  int weekday;
  int minute_of_day;
};

struct ZoneRule {
  const char* name;
  int std_offset;  // minutes east of UTC
  int dst_offset;
  bool has_dst;
  Transition start;  // into summer time
  Transition end;    // back to standard time
};

// Current rules only (EU since 1996, US since 2007): the fake's dates are
// near today's, and a tz database would be one more dependency for tests.
constexpr Transition kEuStart{3, 5, 0, 120};
constexpr Transition kEuEnd{10, 5, 0, 180};
constexpr Transition kUsStart{3, 2, 0, 120};
constexpr Transition kUsEnd{11, 1, 0, 120};
constexpr Transition kNone{1, 1, 0, 0};

constexpr ZoneRule kZones[] = {
    {"UTC", 0, 0, false, kNone, kNone},
    {"Etc/UTC", 0, 0, false, kNone, kNone},
    {"GMT", 0, 0, false, kNone, kNone},
    {"Europe/Berlin", 60, 120, true, kEuStart, kEuEnd},
    {"Europe/Paris", 60, 120, true, kEuStart, kEuEnd},
    {"Europe/Amsterdam", 60, 120, true, kEuStart, kEuEnd},
    {"Europe/Vienna", 60, 120, true, kEuStart, kEuEnd},
    {"Europe/Zurich", 60, 120, true, kEuStart, kEuEnd},
    {"Europe/Madrid", 60, 120, true, kEuStart, kEuEnd},
    {"Europe/Rome", 60, 120, true, kEuStart, kEuEnd},
    {"Europe/Warsaw", 60, 120, true, kEuStart, kEuEnd},
    {"Europe/London", 0, 60, true, {3, 5, 0, 60}, {10, 5, 0, 120}},
    {"America/New_York", -300, -240, true, kUsStart, kUsEnd},
    {"America/Los_Angeles", -480, -420, true, kUsStart, kUsEnd},
    {"Asia/Tokyo", 540, 540, false, kNone, kNone},
    {"Asia/Kolkata", 330, 330, false, kNone, kNone},
    {"Australia/Sydney", 600, 660, true, {10, 1, 0, 120}, {4, 1, 0, 180}},
};

const ZoneRule* FindZone(const std::string& zone) {
  for (const ZoneRule& rule : kZones) {
    if (zone == rule.name) return &rule;
  }
  return nullptr;
}

long long FloorDiv(long long a, long long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

int WeekdayOfDays(long long days) { return static_cast<int>(((days % 7) + 11) % 7); }  // 1970-01-01 was a Thursday

long long TransitionDays(int year, const Transition& t) {
  long long first = DaysFromCivil(year, t.month, 1);
  long long next = t.month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, t.month + 1, 1);
  long long day = first + (t.weekday - WeekdayOfDays(first) + 7) % 7 + 7LL * (t.week - 1);
  while (day >= next) day -= 7;
  return day;
}

int OffsetAt(const ZoneRule& rule, long long epoch_ms) {
  if (!rule.has_dst) return rule.std_offset;
  int year = ToCivil(epoch_ms, rule.std_offset).year;
  long long start = (TransitionDays(year, rule.start) * 1440 + rule.start.minute_of_day - rule.std_offset) * kMinuteMs;
  long long end = (TransitionDays(year, rule.end) * 1440 + rule.end.minute_of_day - rule.dst_offset) * kMinuteMs;
  bool summer = start < end ? (epoch_ms >= start && epoch_ms < end) : !(epoch_ms >= end && epoch_ms < start);
  return summer ? rule.dst_offset : rule.std_offset;
}

std::string OffsetText(int offset_minutes, bool colon) {
  int magnitude = std::abs(offset_minutes);
  return fmt::format("{}{:02d}{}{:02d}", offset_minutes < 0 ? '-' : '+', magnitude / 60, colon ? ":" : "",
                     magnitude % 60);
}

}  // namespace

bool KnownTimeZone(const std::string& zone) { return FindZone(zone) != nullptr; }

int UtcOffsetMinutes(const std::string& zone, long long epoch_ms) {
  const ZoneRule* rule = FindZone(zone);
  return rule == nullptr ? 0 : OffsetAt(*rule, epoch_ms);
}

long long LocalToEpochMs(const std::string& zone, int year, int month, int day, int hour, int minute) {
  long long local = (DaysFromCivil(year, month, day) * 1440 + hour * 60LL + minute) * kMinuteMs;
  const ZoneRule* rule = FindZone(zone);
  if (rule == nullptr) return local;
  long long summer = local - rule->dst_offset * kMinuteMs;
  if (rule->has_dst && OffsetAt(*rule, summer) == rule->dst_offset) return summer;
  return local - rule->std_offset * kMinuteMs;
}

long long DaysFromCivil(int year, int month, int day) {
  // Howard Hinnant's days_from_civil.
  long long y = year - (month <= 2 ? 1 : 0);
  long long era = FloorDiv(y, 400);
  long long yoe = y - era * 400;
  long long doy = (153LL * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilTime ToCivil(long long epoch_ms, int offset_minutes) {
  long long shifted = epoch_ms + offset_minutes * kMinuteMs;
  long long days = FloorDiv(shifted, kDayMs);
  long long in_day = shifted - days * kDayMs;
  // Howard Hinnant's civil_from_days.
  long long z = days + 719468;
  long long era = FloorDiv(z, 146097);
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  CivilTime t;
  t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  t.year = static_cast<int>(yoe + era * 400 + (t.month <= 2 ? 1 : 0));
  t.hour = static_cast<int>(in_day / (60 * kMinuteMs));
  t.minute = static_cast<int>(in_day / kMinuteMs % 60);
  t.second = static_cast<int>(in_day / 1000 % 60);
  t.millis = static_cast<int>(in_day % 1000);
  t.weekday = WeekdayOfDays(days);
  return t;
}

std::string FormatJiraTime(long long epoch_ms, const std::string& zone) {
  int offset = UtcOffsetMinutes(zone, epoch_ms);
  CivilTime t = ToCivil(epoch_ms, offset);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}{}", t.year, t.month, t.day, t.hour, t.minute,
                     t.second, t.millis, OffsetText(offset, false));
}

std::string FormatIso8601(long long epoch_ms, const std::string& zone) {
  int offset = UtcOffsetMinutes(zone, epoch_ms);
  CivilTime t = ToCivil(epoch_ms, offset);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}{}", t.year, t.month, t.day, t.hour, t.minute,
                     t.second, OffsetText(offset, false));
}

std::string FormatFriendly(long long epoch_ms, const std::string& zone) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  CivilTime t = ToCivil(epoch_ms, UtcOffsetMinutes(zone, epoch_ms));
  int hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
  return fmt::format("{:02d}/{}/{:02d} {}:{:02d} {}", t.day, kMonths[t.month - 1], t.year % 100, hour12, t.minute,
                     t.hour < 12 ? "AM" : "PM");
}

std::string FormatUtcMinute(long long epoch_ms) {
  CivilTime t = ToCivil(epoch_ms, 0);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}Z", t.year, t.month, t.day, t.hour, t.minute);
}

}  // namespace fake
