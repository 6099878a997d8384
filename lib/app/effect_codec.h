// The one place where the core's side effects become outbox rows and back:
// an Effect is stored as its key, its lane, a kind naming its type and a
// JSON payload with its fields. Decoding is strict (every field
// type-checked): a row this version cannot read (written by a much older
// one, or damaged) is reported, never guessed at.
#pragma once

#include <optional>
#include <string>

#include "bridge/actions.h"
#include "store/outbox.h"

namespace app {

store::Intent EncodeEffect(const bridge::Effect& effect);
// nullopt when the row's kind is unknown or its payload is not what that
// kind stores.
std::optional<bridge::Effect> DecodeEffect(const store::Intent& intent);

// A short description for log lines: "post confirm:V1 in C1/1700.1".
std::string DescribeEffect(const bridge::Effect& effect);

}  // namespace app
