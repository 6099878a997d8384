// The core's Slack actions as Web API request bodies: which Block Kit
// message each post content becomes (slack/messages.h builds them), an
// agent's comment split to fit a section block. Pure.
#pragma once

#include <string>
#include <vector>

#include "bridge/actions.h"

namespace slack {

// One chat.postMessage body per message to post, in order, each with the
// metadata key it can be found by again after a crash: the post's key, or
// "<key>:<n>" for the n-th part of an agent's comment.
struct PostBody {
  std::string metadata_key;
  std::string body;
};
std::vector<PostBody> RenderPost(const bridge::PostMessage& post);

// chat.postEphemeral and chat.update bodies (the form: slack/forms.h).
std::string RenderEphemeral(const bridge::PostEphemeral& post);
std::string RenderConfirmationUpdate(const bridge::UpdateConfirmation& update);
// One chat.update body per post of the relayed comment (UpdateRelay says
// why the first takes the whole edited text).
std::vector<std::string> RenderRelayUpdate(const bridge::UpdateRelay& update);

}  // namespace slack
