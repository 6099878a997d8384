#include "jql.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include <fmt/format.h>

#include "fake_jira_time.h"
#include "util/strings.h"

namespace fake {
namespace {

enum class TokenKind { kWord, kString, kLeftParen, kRightParen, kComma, kOperator, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  size_t position = 0;  // 0-based offset in the query
};

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

bool IsWordChar(char c) {
  return std::isspace(static_cast<unsigned char>(c)) == 0 && std::string("()\",'=!<>~").find(c) == std::string::npos;
}

// Fields Jira has but the fake does not filter on: named honestly instead of
// with Jira's "does not exist" message, so a test's author sees the limit.
bool KnownButUnsupported(const std::string& field) {
  static const char* kFields[] = {"status",   "statuscategory", "summary",  "description", "comment",
                                  "assignee", "reporter",       "priority", "labels",      "resolution",
                                  "resolved", "issuetype",      "type",     "creator",     "sprint"};
  return std::any_of(std::begin(kFields), std::end(kFields), [&](const char* f) { return field == f; });
}

class Parser {
 public:
  Parser(const std::string& text, std::string time_zone, long long now_ms)
      : text_(text), time_zone_(std::move(time_zone)), now_ms_(now_ms) {}

  JqlParse Run() {
    JqlParse result;
    if (!Tokenize()) {
      result.error = error_;
      return result;
    }
    if (!ParseQuery(&result.query)) {
      result.error = error_;
      return result;
    }
    result.ok = true;
    return result;
  }

 private:
  bool Fail(const std::string& message) {
    if (error_.empty()) error_ = message;
    return false;
  }

  bool FailAt(const Token& token, const std::string& expectation) {
    std::string got = token.kind == TokenKind::kEnd ? "end of query" : fmt::format("'{}'", token.text);
    return Fail(fmt::format("Error in the JQL Query: Expecting {} but got {}. (line 1, character {})", expectation,
                            got, token.position + 1));
  }

  bool Tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c)) != 0) {
        ++i;
        continue;
      }
      Token token;
      token.position = i;
      if (c == '(' || c == ')' || c == ',') {
        token.kind = c == '(' ? TokenKind::kLeftParen : c == ')' ? TokenKind::kRightParen : TokenKind::kComma;
        token.text = std::string(1, c);
        ++i;
      } else if (c == '"' || c == '\'') {
        token.kind = TokenKind::kString;
        ++i;
        bool closed = false;
        while (i < text_.size()) {
          if (text_[i] == '\\' && i + 1 < text_.size()) {
            token.text += text_[i + 1];
            i += 2;
          } else if (text_[i] == c) {
            closed = true;
            ++i;
            break;
          } else {
            token.text += text_[i++];
          }
        }
        if (!closed) {
          return Fail(fmt::format("Error in the JQL Query: The quoted string starting at character {} is not "
                                  "terminated. (line 1, character {})",
                                  token.position + 1, token.position + 1));
        }
      } else if (std::string("=!<>~").find(c) != std::string::npos) {
        token.kind = TokenKind::kOperator;
        token.text = std::string(1, c);
        ++i;
        if (i < text_.size() && text_[i] == '=' && c != '=' && c != '~') token.text += text_[i++];
        if (token.text == "!" && i < text_.size() && text_[i] == '~') token.text += text_[i++];
        if (token.text == "!") {
          return Fail(fmt::format("Error in the JQL Query: The character '!' is a reserved JQL character. "
                                  "(line 1, character {})",
                                  i));
        }
      } else {
        token.kind = TokenKind::kWord;
        while (i < text_.size() && IsWordChar(text_[i])) token.text += text_[i++];
      }
      tokens_.push_back(token);
    }
    Token end;
    end.position = text_.size();
    tokens_.push_back(end);
    return true;
  }

  const Token& Peek() const { return tokens_[next_]; }
  Token Take() { return tokens_[next_ < tokens_.size() - 1 ? next_++ : next_]; }
  bool PeekWord(const char* word) const {
    return Peek().kind == TokenKind::kWord && util::Lower(Peek().text) == word;
  }

  bool ParseQuery(JqlQuery* query) {
    if (Peek().kind != TokenKind::kEnd && !PeekWord("order")) {
      if (!ParseClause(query)) return false;
      while (PeekWord("and")) {
        Take();
        if (!ParseClause(query)) return false;
      }
      if (PeekWord("or")) {
        return Fail(fmt::format("Error in the JQL Query: the fake Jira supports only AND between clauses, not "
                                "'OR'. (line 1, character {})",
                                Peek().position + 1));
      }
    }
    if (PeekWord("order")) {
      Take();
      if (!PeekWord("by")) return FailAt(Peek(), "'BY'");
      Take();
      if (!ParseSort(query)) return false;
    }
    if (Peek().kind != TokenKind::kEnd) return FailAt(Peek(), "either 'OR' or 'AND'");
    return true;
  }

  bool ParseClause(JqlQuery* query) {
    const Token field_token = Take();
    if (field_token.kind == TokenKind::kLeftParen) {
      return Fail(fmt::format("Error in the JQL Query: the fake Jira does not support parentheses around "
                              "clauses. (line 1, character {})",
                              field_token.position + 1));
    }
    if (field_token.kind == TokenKind::kWord && util::Lower(field_token.text) == "not") {
      return Fail(fmt::format("Error in the JQL Query: the fake Jira does not support 'NOT'. (line 1, character {})",
                              field_token.position + 1));
    }
    if (field_token.kind != TokenKind::kWord && field_token.kind != TokenKind::kString) {
      return FailAt(field_token, "a field name");
    }
    std::string field = util::Lower(field_token.text);
    if (field == "issuekey" || field == "issue") field = "key";
    if (field == "updateddate") field = "updated";
    if (field == "createddate") field = "created";
    std::string op = ReadOperator();
    if (op.empty()) return FailAt(Peek(), "operator");

    if (field == "project" || field == "key") {
      std::vector<std::string> values;
      if (op == "=") {
        std::string value;
        if (!ReadValue(&value)) return false;
        values.push_back(value);
      } else if (op == "in") {
        if (!ReadList(&values)) return false;
      } else {
        return UnsupportedOperator(op, field);
      }
      if (field == "project") {
        query->project_sets.push_back(values);
      } else {
        for (std::string& key : values) key = Upper(key);
        query->key_sets.push_back(values);
      }
      return true;
    }
    if (field == "updated" || field == "created") {
      if (op != "=" && op != ">" && op != ">=" && op != "<" && op != "<=") return UnsupportedOperator(op, field);
      std::string value;
      if (!ReadValue(&value)) return false;
      std::optional<long long> instant = ParseInstant(value);
      if (!instant) {
        return Fail(fmt::format("Date value '{}' for field '{}' is invalid. Valid formats include: "
                                "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
                                "format e.g. '-5d', '4w 2d'.",
                                value, field));
      }
      query->time_bounds.push_back(JqlTimeBound{field, op, *instant});
      return true;
    }
    if (field == "text") {
      if (op != "~") return UnsupportedOperator(op, "text");
      std::string value;
      if (!ReadValue(&value)) return false;
      if (value.empty()) return Fail("The field 'text' does not support searching for an empty string.");
      query->text_terms.push_back(value);
      return true;
    }
    if (KnownButUnsupported(field)) {
      return Fail(fmt::format("The fake Jira does not support searching by '{}' (supported: project, key, updated, "
                              "created, text).",
                              field_token.text));
    }
    return Fail(
        fmt::format("Field '{}' does not exist or you do not have permission to view it.", field_token.text));
  }

  bool UnsupportedOperator(const std::string& op, const std::string& field) {
    return Fail(fmt::format("The operator '{}' is not supported by the '{}' field.", op, field));
  }

  // "" when the next token is no operator.
  std::string ReadOperator() {
    const Token& token = Peek();
    if (token.kind == TokenKind::kOperator) return Take().text;
    if (token.kind == TokenKind::kWord) {
      std::string word = util::Lower(token.text);
      if (word == "in") {
        Take();
        return "in";
      }
      if (word == "not" || word == "is" || word == "was" || word == "changed") {
        Take();
        return Upper(word);
      }
    }
    return {};
  }

  bool ReadValue(std::string* value) {
    const Token& token = Peek();
    if (token.kind != TokenKind::kWord && token.kind != TokenKind::kString) return FailAt(token, "a value");
    if (token.kind == TokenKind::kWord) {
      std::string word = util::Lower(token.text);
      if (word == "and" || word == "or" || word == "order" || word == "empty" || word == "null") {
        return FailAt(token, "a value");
      }
    }
    *value = Take().text;
    return true;
  }

  // "(a, b, …)" after `in`.
  bool ReadList(std::vector<std::string>* values) {
    if (Peek().kind != TokenKind::kLeftParen) return FailAt(Peek(), "'('");
    Take();
    while (true) {
      std::string value;
      if (!ReadValue(&value)) return false;
      values->push_back(value);
      if (Peek().kind == TokenKind::kComma) {
        Take();
        continue;
      }
      if (Peek().kind == TokenKind::kRightParen) {
        Take();
        return true;
      }
      return FailAt(Peek(), "either ',' or ')'");
    }
  }

  bool ParseSort(JqlQuery* query) {
    while (true) {
      const Token token = Take();
      if (token.kind != TokenKind::kWord && token.kind != TokenKind::kString) return FailAt(token, "a field name");
      std::string field = util::Lower(token.text);
      if (field == "issuekey") field = "key";
      if (field != "updated" && field != "created" && field != "key") {
        return Fail(fmt::format("Not able to sort using field '{}' (the fake Jira sorts by updated, created, key).",
                                token.text));
      }
      JqlSort sort{field, true};
      if (PeekWord("asc")) {
        Take();
      } else if (PeekWord("desc")) {
        Take();
        sort.ascending = false;
      }
      query->order_by.push_back(sort);
      if (query->order_by.size() > 7) return Fail("The ORDER BY clause may list at most 7 fields.");
      if (Peek().kind != TokenKind::kComma) return true;
      Take();
    }
  }

  static bool AllDigits(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  }

  std::optional<long long> ParseInstant(const std::string& value) {
    // Unquoted epoch milliseconds: absolute, no time zone involved.
    if (AllDigits(value)) {
      if (value.size() > 15) return std::nullopt;
      return std::stoll(value);
    }
    // Relative periods count back from now, floored to the minute as Jira's are.
    if (value.size() >= 2 && std::string("wdhm").find(value.back()) != std::string::npos) {
      bool negative = value[0] == '-';
      std::string digits = value.substr(negative || value[0] == '+' ? 1 : 0);
      digits.pop_back();
      if (!AllDigits(digits) || digits.size() > 9) return std::nullopt;
      long long unit = value.back() == 'w' ? 7 * 24 * 60 : value.back() == 'd' ? 24 * 60 : value.back() == 'h' ? 60 : 1;
      long long minutes = std::stoll(digits) * unit * (negative ? -1 : 1);
      long long now_minute = now_ms_ - ((now_ms_ % 60000) + 60000) % 60000;
      return now_minute + minutes * 60000;
    }
    // yyyy/MM/dd[ HH:mm] or yyyy-MM-dd[ HH:mm], wall-clock in the account's zone.
    int year = 0, month = 0, day = 0, hour = 0, minute = 0;
    size_t space = value.find(' ');
    std::string date = value.substr(0, space);
    std::string time = space == std::string::npos ? "" : value.substr(space + 1);
    if (date.size() < 8 || date.size() > 10) return std::nullopt;
    char separator = date[4];
    if (separator != '/' && separator != '-') return std::nullopt;
    size_t second = date.find(separator, 5);
    if (second == std::string::npos) return std::nullopt;
    std::string y = date.substr(0, 4), m = date.substr(5, second - 5), d = date.substr(second + 1);
    if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d) || m.size() > 2 || d.size() > 2) return std::nullopt;
    year = std::stoi(y);
    month = std::stoi(m);
    day = std::stoi(d);
    if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
    // "2026/02/30" is invalid in Jira, not March 2nd.
    if (ToCivil(DaysFromCivil(year, month, day) * 86400000LL, 0).day != day) return std::nullopt;
    if (space != std::string::npos) {
      size_t colon = time.find(':');
      if (colon == std::string::npos) return std::nullopt;
      std::string h = time.substr(0, colon), mi = time.substr(colon + 1);
      if (!AllDigits(h) || !AllDigits(mi) || h.size() > 2 || mi.size() != 2) return std::nullopt;
      hour = std::stoi(h);
      minute = std::stoi(mi);
      if (hour > 23 || minute > 59) return std::nullopt;
    }
    return LocalToEpochMs(time_zone_, year, month, day, hour, minute);
  }

  const std::string& text_;
  std::string time_zone_;
  long long now_ms_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
  std::string error_;
};

}  // namespace

JqlParse ParseJql(const std::string& text, const std::string& time_zone, long long now_ms) {
  return Parser(text, time_zone, now_ms).Run();
}

}  // namespace fake
