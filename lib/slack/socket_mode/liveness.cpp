#include "slack/socket_mode/liveness.h"

namespace slack::socket_mode {

LivenessVerdict JudgeLiveness(const LivenessPolicy& policy, util::TimePoint now, util::TimePoint last_inbound,
                              util::TimePoint last_ping) {
  if (now - last_inbound >= policy.dead_after) return LivenessVerdict::kDead;
  if (now - last_inbound >= policy.ping_after && now - last_ping >= policy.ping_after) {
    return LivenessVerdict::kSendPing;
  }
  return LivenessVerdict::kFine;
}

}  // namespace slack::socket_mode
