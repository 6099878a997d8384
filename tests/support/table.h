// Table-driven cases: a vector of {input, expected} rows checked through one
// function, each failure naming its row. The markup tests state their
// conversions this way (one row per rule), and the wire-format tests their
// runs of alike values.
#pragma once

#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

namespace testing {

// One case of a text conversion: literal input, literal output.
struct TextCase {
  std::string input;
  std::string expected;
  std::map<std::string, std::string> names = {};  // user or account id -> display name, for mention cases
};

// One rule of a text conversion and the cases that state it.
struct TextRule {
  const char* rule;  // what the cases state; shown when one fails
  std::vector<TextCase> cases;
};

// Checks convert(input, names) == expected for every case of every rule; a
// `convert` that takes no names is called with the input alone.
template <typename Convert>
void CheckTextRules(const std::vector<TextRule>& rules, Convert convert) {
  for (const TextRule& rule : rules) {
    for (const TextCase& row : rule.cases) {
      INFO(rule.rule << "\ninput: " << row.input);
      if constexpr (std::is_invocable_v<Convert, const std::string&>) {
        CHECK(convert(row.input) == row.expected);
      } else {
        CHECK(convert(row.input, row.names) == row.expected);
      }
    }
  }
}

// Checks f(input) == expected for every {input, expected} row; the input
// names the row.
template <typename In, typename Out, typename F>
void CheckRows(const std::vector<std::pair<In, Out>>& rows, F f) {
  for (const auto& [input, expected] : rows) {
    INFO("input: " << input);
    CHECK(f(input) == expected);
  }
}

}  // namespace testing
