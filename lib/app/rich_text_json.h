// bridge::RichText as JSON and back, for actions kept in the outbox: a
// compact object with stable field names, defaults left out:
//   {"blocks":[{"kind":"paragraph","inlines":[{"kind":"text","text":"hi","marks":1}]},
//              {"kind":"code","verbatim":"x"},
//              {"kind":"table_row","header":true,"cells":[[{"kind":"text","text":"a"}]]},
//              {"kind":"bullet","level":2,"inlines":[…]}]}
// Block kinds: paragraph heading quote bullet numbered code rule table_row;
// inline kinds: text link user channel broadcast break; inline fields text
// target marks (the bridge::Mark bits); block fields inlines verbatim cells
// level header.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "bridge/rich_text.h"

namespace app {

std::string RichTextToJson(const bridge::RichText& text);

// The rich text `json` holds; nullopt when it is not an object of that
// shape: a field of the wrong type, an unknown kind, marks or a level out
// of range. Unknown fields are ignored. The nesting is fixed by the model,
// so reading is bounded by the size of `json`.
std::optional<bridge::RichText> RichTextFromJson(const rapidjson::Value& json);
// The same from text; nullopt also when it is not JSON.
std::optional<bridge::RichText> RichTextFromJson(std::string_view json);

}  // namespace app
