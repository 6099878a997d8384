#include "app/dispatcher.h"

#include "app/effect_codec.h"
#include "app/files_json.h"
#include "app/links.h"
#include "bridge/overloaded.h"
#include "util/log.h"

namespace app {

using bridge::Overloaded;

Dispatcher::Dispatcher(store::Store& store, std::function<bool(std::string_view)> channel_allowed)
    : tickets_(store), outbox_(store), channel_allowed_(std::move(channel_allowed)) {}

util::Result<bridge::Facts> Dispatcher::LoadFacts(const bridge::FactsQuery& query) {
  bridge::Facts facts;
  facts.bot_user_id = bot_user_id_;
  facts.helpdesk_account_id = helpdesk_account_id_;
  facts.channel_allowed = query.channel.empty() || channel_allowed_(query.channel);
  util::Result<std::optional<store::LinkRecord>> link = std::optional<store::LinkRecord>();
  if (query.thread) {
    link = tickets_.FindLinkByThread(query.thread->channel, query.thread->thread_ts);
  } else if (!query.ticket_key.empty()) {
    link = tickets_.FindLinkByTicket(query.ticket_key);
  }
  if (!link) return tl::make_unexpected(link.error());
  if (*link) facts.link = ToLink(**link);
  if (query.create_pending && query.thread && !facts.link) {
    auto pending = outbox_.LaneOpen(bridge::CreateLaneOf(*query.thread));
    if (!pending) return tl::make_unexpected(pending.error());
    facts.create_pending = *pending;
  }
  if (query.held_replies && query.thread) {
    auto held = tickets_.HeldReplies(query.thread->channel, query.thread->thread_ts);
    if (!held) return tl::make_unexpected(held.error());
    for (const store::HeldReply& reply : *held) {
      std::optional<bridge::Effect> effect = DecodeEffect(store::Intent{reply.key, reply.kind, "", reply.payload});
      const auto* comment = effect ? std::get_if<bridge::AddComment>(&*effect) : nullptr;
      if (comment == nullptr) {
        util::log::Error("kept reply {} cannot be read by this version; it is dropped", reply.key);
        continue;
      }
      facts.held_replies.push_back(*comment);
    }
  }
  if (!query.reply_ts.empty()) {
    auto comment = tickets_.ReplyComment(query.channel, query.reply_ts);
    if (!comment) return tl::make_unexpected(comment.error());
    facts.reply_comment_id = *comment;
  }
  if (query.relayed && facts.link) {
    auto relays = tickets_.Relays(facts.link->ticket_key);
    if (!relays) return tl::make_unexpected(relays.error());
    for (const store::TicketStore::Relay& relay : *relays) {
      facts.relayed.push_back(
          bridge::RelayedComment{relay.comment_id, relay.updated_ms, SplitTs(relay.posts), relay.deleted, relay.agent});
    }
  }
  // A ticket's activity is allowed as far as its thread's channel is.
  if (query.link_channel && facts.link) facts.channel_allowed = channel_allowed_(facts.link->thread.channel);
  if (query.mention && query.thread) {
    auto mention = tickets_.FindMention(query.thread->channel, query.thread->thread_ts);
    if (!mention) return tl::make_unexpected(mention.error());
    if (*mention) {
      const store::MentionRecord& saved = **mention;
      auto files = FilesFromJsonText(saved.files);
      if (!files) util::log::Error("the files of the mention {} cannot be read; they are not copied", saved.mention_ts);
      facts.mention = bridge::SavedMention{saved.mention_ts, saved.summary, saved.description,
                                           files.value_or(std::vector<bridge::SharedFile>{})};
    }
  }
  return facts;
}

util::Status Dispatcher::Dispatch(const bridge::Event& event, long long now_ms) {
  auto facts = LoadFacts(bridge::NeededFacts(event, bot_user_id_));
  if (!facts) return tl::make_unexpected(facts.error());
  for (const bridge::Action& action : bridge::Handle(event, *facts)) {
    if (auto applied = Apply(action, now_ms); !applied) return applied;
  }
  return util::Ok();
}

util::Result<std::optional<bridge::Event>> Dispatcher::Precheck(const bridge::Effect& effect) {
  bridge::FactsQuery query = bridge::NeededFacts(effect);
  if (!query.thread && query.ticket_key.empty()) return std::optional<bridge::Event>();
  auto facts = LoadFacts(query);
  if (!facts) return tl::make_unexpected(facts.error());
  return bridge::Precheck(effect, *facts);
}

util::Status Dispatcher::Apply(const bridge::Action& action, long long now_ms) {
  if (bridge::IsEffect(action)) {
    bridge::Effect effect = bridge::ToEffect(action);
    auto added = outbox_.Add(EncodeEffect(effect), now_ms);
    if (!added) return tl::make_unexpected(added.error());
    if (*added) {
      // Described only when it is logged: this runs for every effect.
      if (util::log::Enabled(util::log::Level::kDebug)) util::log::Debug("to do: {}", DescribeEffect(effect));
      follow_ups_.intents_added = true;
    }
    return util::Ok();
  }
  return std::visit(
      Overloaded{
          [&](const bridge::Note& note) {
            util::log::Warn("{}", note.text);
            return util::Ok();
          },
          [&](const bridge::SaveMention& m) {
            return tickets_.SaveMention(store::MentionRecord{m.thread.channel, m.thread.thread_ts, m.mention_ts, m.user,
                                                             m.summary, m.description, now_ms,
                                                             m.files.empty() ? "" : FilesToJson(m.files)});
          },
          [&](const bridge::LinkThread& l) -> util::Status {
            auto inserted = tickets_.InsertLink(ToRecord(l.link, now_ms));
            if (!inserted) return tl::make_unexpected(inserted.error());
            if (*inserted) {
              util::log::Info("channel={} thread={} is linked to ticket={}", l.link.thread.channel,
                              l.link.thread.thread_ts, l.link.ticket_key);
              follow_ups_.links_added = true;
            }
            return util::Ok();
          },
          [&](const bridge::RecordConfirmation& c) { return tickets_.SetConfirmationTs(c.ticket_key, c.ts); },
          [&](const bridge::RecordStatus& s) {
            util::log::Info("ticket={} status is now {}", s.ticket_key, s.status.label);
            return tickets_.SetStatus(s.ticket_key, s.status.label, CategoryName(s.status.category));
          },
          [&](const bridge::RecordSyncPosition& p) {
            return tickets_.SetSyncPosition(p.ticket_key, p.comment_cursor, p.updated_ms);
          },
          [&](const bridge::RecordReplyComment& r) {
            return tickets_.SetReplyComment(r.channel, r.ts, r.ticket_key, r.comment_id);
          },
          [&](const bridge::RecordRelay& r) {
            return tickets_.SetRelay(r.ticket_key, store::TicketStore::Relay{r.relayed.comment_id,
                                                                             r.relayed.updated_ms,
                                                                             JoinTs(r.relayed.posts), r.relayed.deleted,
                                                                             r.relayed.agent});
          },
          [&](const bridge::HoldReply& h) {
            store::Intent intent = EncodeEffect(h.comment);
            util::log::Info("channel={} thread={}: reply {} kept until the ticket exists", h.thread.channel,
                            h.thread.thread_ts, h.comment.ts);
            return tickets_.HoldReply(h.thread.channel, h.thread.thread_ts,
                                      store::HeldReply{intent.key, intent.kind, intent.payload}, now_ms);
          },
          [&](const bridge::ReleaseHeldReplies& r) {
            return tickets_.ReleaseHeldReplies(r.thread.channel, r.thread.thread_ts);
          },
          [&](const bridge::RecordSyncStopped& r) {
            util::log::Info("ticket={}: sync {} (its channel is {} allowed_channels)", r.ticket_key,
                            r.stopped ? "stopped" : "resumed", r.stopped ? "not in" : "in");
            return tickets_.SetSyncStopped(r.ticket_key, r.stopped);
          },
          [&](const bridge::OpenForm& form) {
            follow_ups_.forms.push_back(form);
            return util::Ok();
          },
          [&](const bridge::UpdateForm& update) {
            follow_ups_.form_updates.push_back(update);
            return util::Ok();
          },
          [&](const auto&) { return util::Ok(); },  // effects: above
      },
      action);
}

void Dispatcher::Committed() { Deliver(TakeFollowUps()); }

Dispatcher::FollowUps Dispatcher::TakeFollowUps() {
  FollowUps taken = std::move(follow_ups_);
  follow_ups_ = FollowUps{};
  return taken;
}

void Dispatcher::Deliver(FollowUps follow_ups) {
  if (handler_) handler_(std::move(follow_ups));
}

}  // namespace app
