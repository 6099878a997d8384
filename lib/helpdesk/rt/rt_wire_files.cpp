// ContentDecoder (rt_wire.h): the base64 "Content" of GET /attachment/:id,
// decoded as the body is read.
#include <fmt/format.h>

#include "helpdesk/rt/rt_wire.h"

namespace helpdesk::rt {
namespace {

// The 6 bits of a base64 character, -1 for any other.
int Sextet(char ch) {
  if (ch >= 'A' && ch <= 'Z') return ch - 'A';
  if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
  if (ch >= '0' && ch <= '9') return ch - '0' + 52;
  if (ch == '+') return 62;
  if (ch == '/') return 63;
  return -1;
}

bool IsJsonSpace(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

}  // namespace

bool ContentDecoder::Fail(std::string why) {
  state_ = State::kFailed;
  error_ = std::move(why);
  return false;
}

bool ContentDecoder::Decode(char ch, std::string& out) {
  if (ch == '=') {
    padded_ = true;
    return true;
  }
  int sextet = Sextet(ch);
  if (sextet < 0 || padded_) return Fail(fmt::format("a byte {:#04x} in the base64 Content", ch & 0xff));
  bits_ = (bits_ << 6) | static_cast<unsigned int>(sextet);
  bit_count_ += 6;
  if (bit_count_ >= 8) {
    bit_count_ -= 8;
    out.push_back(static_cast<char>((bits_ >> bit_count_) & 0xff));
    bits_ &= (1u << bit_count_) - 1;
  }
  return true;
}

bool ContentDecoder::Feed(std::string_view chunk, std::string& out) {
  for (size_t i = 0; i < chunk.size(); ++i) {
    char ch = chunk[i];
    switch (state_) {
      case State::kFailed:
        return false;
      case State::kDone:
        return true;  // the rest of the object does not matter
      case State::kAwaitColon:
        if (IsJsonSpace(ch)) continue;
        if (ch == ':') {
          state_ = State::kAwaitValue;
          continue;
        }
        // "Content" was a value, not a key: read on from here.
        state_ = State::kScan;
        break;
      case State::kAwaitValue:
        if (IsJsonSpace(ch)) continue;
        if (ch != '"') return Fail("its Content is not a string");
        state_ = State::kValue;
        continue;
      case State::kValue:
        if (ch == '"') {
          // Whole bytes only: what is left is fewer than 8 bits of padding.
          state_ = State::kDone;
          return true;
        }
        if (ch == '\\') {
          state_ = State::kValueEscape;
          continue;
        }
        if (!Decode(ch, out)) return false;
        continue;
      case State::kValueEscape:
        state_ = State::kValue;
        if (ch == 'n' || ch == 'r') continue;  // encode_base64's line breaks
        if (ch == '/') {
          if (!Decode('/', out)) return false;
          continue;
        }
        return Fail(fmt::format("an escape \\{} in the base64 Content", ch));
      case State::kScan:
        break;
    }
    // kScan: a JSON lexer just good enough to know strings from structure.
    if (in_string_) {
      if (escape_) {
        escape_ = false;
      } else if (ch == '\\') {
        escape_ = true;
        key_usable_ = false;
      } else if (ch == '"') {
        in_string_ = false;
        if (key_at_top_ && key_usable_ && key_ == "Content") state_ = State::kAwaitColon;
      } else if (key_.size() < 8) {
        key_.push_back(ch);
      } else {
        key_usable_ = false;
      }
      continue;
    }
    switch (ch) {
      case '"':
        in_string_ = true;
        key_.clear();
        key_usable_ = true;
        key_at_top_ = depth_ == 1;
        break;
      case '{':
      case '[':
        if (++depth_ > 64) return Fail("nested deeper than an attachment");
        break;
      case '}':
      case ']':
        if (--depth_ <= 0) return Fail("it has no Content");
        break;
      default:
        break;
    }
  }
  return state_ != State::kFailed;
}

util::Result<std::string> ParseAttachmentContent(std::string_view body) {
  ContentDecoder decoder;
  std::string text;
  if (!decoder.Feed(body, text) || !decoder.Done()) {
    std::string why = decoder.Error().empty() ? "it ends before its Content does" : decoder.Error();
    std::string detail = ErrorMessage(body);
    return util::MakeError(util::ErrorCode::kServerError,
                           fmt::format("the response is not an attachment ({})", detail.empty() ? why : detail));
  }
  return text;
}

}  // namespace helpdesk::rt
