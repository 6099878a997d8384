#include "app/check.h"

#include <algorithm>

#include <fmt/format.h>

#include "app/check_slack.h"
#include "app/form_catalog.h"
#include "config/exposure.h"
#include "helpdesk/factory.h"
#include "slack/web_api/web_api_client.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"
#include "util/log.h"

namespace app {
namespace {

void Line(std::FILE* out, const char* status, const std::string& what, const std::string& detail) {
  // The detail may quote a server's answer; the sink's redaction applies to
  // log lines only, so redact here too.
  std::string line = fmt::format("{:<4} {}: {}\n", status, what, util::log::Redact(detail));
  std::fputs(line.c_str(), out);
  std::fflush(out);
}

void Line(std::FILE* out, bool ok, const std::string& what, const std::string& detail) {
  Line(out, ok ? "ok" : "FAIL", what, detail);
}

// Prints `line`; false when it failed.
bool Line(std::FILE* out, const CheckResult& line) {
  const char* status = line.status == CheckResult::Status::kOk     ? "ok"
                       : line.status == CheckResult::Status::kWarn ? "WARN"
                                                                   : "FAIL";
  Line(out, status, line.what, line.detail);
  return line.status != CheckResult::Status::kFail;
}

// Every request type a form may offer, once: the configured ones, then each
// channel route's. A line per type, failing for one the helpdesk does not
// know or whose required fields a form cannot ask for.
bool CheckForms(const config::Config& config, helpdesk::Helpdesk& helpdesk, std::FILE* out) {
  struct Use {
    bridge::RequestTarget target;
    std::string setting;  // which config entries use it
  };
  std::vector<Use> uses;
  auto add = [&uses](const config::ChannelRoute& route, const std::string& setting) {
    for (const std::string& type : route.type_ids) {
      bridge::RequestTarget target{route.desk_id, type};
      auto known = std::find_if(uses.begin(), uses.end(), [&](const Use& use) { return use.target == target; });
      if (known == uses.end()) {
        uses.push_back(Use{target, setting});
      } else {
        known->setting += ", " + setting;
      }
    }
  };
  add(config.DefaultRoute(), config.DefaultRouteKey());
  for (const auto& [channel, route] : config.channel_routes) add(route, "channel_routes " + channel);
  bool all_ok = true;
  for (const Use& use : uses) {
    std::string what = fmt::format("request form: type {} in service desk {} ({})", use.target.type_id,
                                   use.target.desk_id, use.setting);
    auto type = helpdesk.RequestTypeForm(use.target);
    auto described = type ? DescribeForm(*type) : util::Result<std::string>(tl::make_unexpected(type.error()));
    all_ok = all_ok && described;
    Line(out, static_cast<bool>(described), what, described ? *described : described.error().message);
    if (!type) continue;
    for (const helpdesk::CheckLine& line : helpdesk.CheckRequestType(use.target)) {
      all_ok = all_ok && line.ok;
      Line(out, line.ok, fmt::format("{} ({})", line.what, use.setting), line.detail);
    }
  }
  return all_ok;
}

// The way out, first: with a proxy that refuses the credentials every
// later line would fail for the same reason, so this line names it.
bool CheckEgress(const config::Config& config, std::FILE* out) {
  const util::Egress& egress = config.egress;
  bool ok = true;
  if (!egress.proxy) {
    Line(out, true, "egress", "direct (no proxy, https_proxy or HTTPS_PROXY set)");
  } else {
    std::string what = fmt::format("proxy {} (from {})", egress.proxy->Url(), egress.proxy_origin);
    std::string slack_host = util::HostOfUrl(config.slack_api_url);
    if (egress.ProxyFor(slack_host) == nullptr) {
      Line(out, true, what, fmt::format("not used for {} (no_proxy)", slack_host));
    } else if (util::Status tunnel = util::http::ProbeProxy(egress, config.slack_api_url); tunnel) {
      Line(out, true, what,
           fmt::format("reachable{}, CONNECT to {} accepted", egress.proxy->user.empty() ? "" : ", credentials accepted",
                       slack_host));
    } else {
      ok = false;
      Line(out, false, what, tunnel.error().message);
    }
  }
  if (!egress.ca_file.empty()) {
    Line(out, true, "ca_file", egress.ca_file + ": trusted for every TLS connection, besides the system store");
  }
  return ok;
}

}  // namespace

std::vector<std::string> ExposureWarnings(const config::Config& config, const std::optional<std::string>& config_path) {
  std::vector<std::string> warnings = config::PlainHttpWarnings(config);
  if (config_path) {
    if (auto file = config::ConfigFileWarning(*config_path)) warnings.push_back(*file);
  }
  return warnings;
}

int RunCheck(const config::Config& config, const std::string& config_origin, std::FILE* out,
             const std::optional<std::string>& config_path) {
  bool all_ok = true;
  Line(out, true, "config", config_origin);
  // Warnings do not fail the check: the setup may be deliberate.
  for (const std::string& warning : ExposureWarnings(config, config_path)) Line(out, "WARN", "security", warning);

  all_ok = CheckEgress(config, out) && all_ok;

  util::http::CurlHttpClient http(nullptr, config.egress);
  auto bot_options = slack::web_api::DefaultWebApiOptions(config.slack_api_url, config.slack_bot_token);
  bot_options.max_attempts = 2;
  bot_options.timeout = util::Millis(15000);
  slack::web_api::WebApiClient bot_api(http, bot_options);
  auto auth = bot_api.CallWithHeaders("auth.test", "{}");
  if (auth) {
    const rapidjson::Document& who = auth->body;
    Line(out, true, "slack auth.test (slack_bot_token)",
         fmt::format("bot {} ({}) in {}", json::GetString(who, "user"), json::GetString(who, "user_id"),
                     json::GetString(who, "team")));
  } else {
    all_ok = false;
    Line(out, false, "slack auth.test (slack_bot_token)", auth.error().message);
  }

  slack::web_api::WebApiOptions app_options = bot_options;
  app_options.token = config.slack_app_token;
  slack::web_api::WebApiClient app_api(http, app_options);
  auto open = app_api.Call("apps.connections.open", "{}");
  if (open && !json::GetString(*open, "url").empty()) {
    Line(out, true, "slack apps.connections.open (slack_app_token)", "Socket Mode is enabled");
  } else {
    all_ok = false;
    Line(out, false, "slack apps.connections.open (slack_app_token)",
         open ? "the reply has no url" : open.error().message);
  }

  // What the bot token may do and where: only worth asking once it works.
  if (auth) {
    auto scopes = auth->headers.find("x-oauth-scopes");
    all_ok = Line(out, ScopesLine(scopes == auth->headers.end() ? std::nullopt
                                                                 : std::optional<std::string>(scopes->second))) &&
             all_ok;
    for (const CheckResult& line : ChannelLines(config, bot_api, json::GetString(auth->body, "user"))) {
      all_ok = Line(out, line) && all_ok;
    }
  }

  helpdesk::HelpdeskTuning tuning;
  tuning.max_attempts = 2;
  tuning.timeout = util::Millis(15000);
  auto helpdesk = helpdesk::MakeHelpdesk(config, http, tuning);
  if (!helpdesk) {
    all_ok = false;
    Line(out, false, "helpdesk", helpdesk.error().message);
  } else {
    // Which deployment answers comes first: with the wrong one, nothing
    // after it can work.
    std::optional<helpdesk::CheckLine> deployment = (*helpdesk)->CheckDeployment();
    if (deployment) Line(out, deployment->ok, deployment->what, deployment->detail);
    bool helpdesk_ok = !deployment || deployment->ok;
    if (helpdesk_ok) {
      for (const helpdesk::CheckLine& line : (*helpdesk)->Check()) {
        helpdesk_ok = helpdesk_ok && line.ok;
        Line(out, line.ok, line.what, line.detail);
      }
    }
    // The forms need a helpdesk that answers.
    if (helpdesk_ok) helpdesk_ok = CheckForms(config, **helpdesk, out);
    all_ok = all_ok && helpdesk_ok;
  }
  return all_ok ? 0 : 1;
}

}  // namespace app
