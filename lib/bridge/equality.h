// Equality for the core's plain value types. Each type lists its fields
// once, in Fields() (a std::tie of them); these compare two values of it
// field by field, so a field added to the type and to Fields() is compared
// too, and tests can state decisions as `Handle(...) == expected`.
#pragma once

#include <tuple>
#include <utility>

namespace bridge {

template <class T, class = decltype(std::declval<const T&>().Fields())>
bool operator==(const T& a, const T& b) {
  return a.Fields() == b.Fields();
}

template <class T, class = decltype(std::declval<const T&>().Fields())>
bool operator!=(const T& a, const T& b) {
  return !(a == b);
}

}  // namespace bridge
