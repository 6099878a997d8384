// Shared files as JSON, the one encoding of bridge::SharedFile lists: in
// outbox payloads (effect_codec) and in the saved mention (dispatcher).
// Strict like the codec: a member of the wrong type makes the whole list
// unreadable; members added after 0.2 (id, url, mimetype, size) may be
// missing in older rows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "bridge/files.h"

namespace app {

// [{"name":…,"permalink":…,"id":…,"url":…,"mimetype":…,"size":…}, …]
std::string FilesToJson(const std::vector<bridge::SharedFile>& files);
// nullopt when `array` is not such a list.
std::optional<std::vector<bridge::SharedFile>> FilesFromJson(const rapidjson::Value& array);
// The same from text; "" is no files.
std::optional<std::vector<bridge::SharedFile>> FilesFromJsonText(const std::string& text);

}  // namespace app
