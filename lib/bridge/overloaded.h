// Overloaded lambdas for std::visit over the core's variants.
#pragma once

namespace bridge {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace bridge
