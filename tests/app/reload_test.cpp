// SIGHUP's decision, pure: what applies now and what needs a restart.
#include <catch2/catch.hpp>

#include "app/reload.h"

TEST_CASE("a reload applies the log level, the channels and the poll interval", "[app][reload]") {
  config::Config running;
  running.allowed_channels = {"C1"};
  config::Config fresh = running;
  fresh.log_level = util::log::Level::kDebug;
  fresh.allowed_channels = {"C1", "C2"};
  fresh.poll_interval_seconds = 5;
  app::ReloadPlan plan = app::PlanReload(running, fresh);
  CHECK(plan.next.log_level == util::log::Level::kDebug);
  CHECK(plan.next.allowed_channels == std::vector<std::string>{"C1", "C2"});
  CHECK(plan.next.poll_interval_seconds == 5);
  CHECK(plan.poll_interval_changed);
  CHECK(plan.needs_restart.empty());
}

TEST_CASE("a reload names every setting that needs a restart and keeps its running value", "[app][reload]") {
  config::Config running;
  running.jira_url = "https://a.test";
  running.slack_bot_token = "xoxb-1";
  running.metrics_listen = "";
  config::Config fresh = running;
  fresh.jira_url = "https://b.test";
  fresh.slack_bot_token = "xoxb-2";
  fresh.metrics_listen = "127.0.0.1:9464";
  fresh.state_db = "/elsewhere.db";
  fresh.egress.proxy = util::ProxyEndpoint{"proxy.test", 3128, "", ""};
  fresh.egress.ca_file = "/etc/slackdesk/ca.pem";
  app::ReloadPlan plan = app::PlanReload(running, fresh);
  CHECK(plan.needs_restart == std::vector<std::string>{"slack_bot_token", "jira_url", "state_db", "metrics_listen",
                                                       "proxy", "ca_file"});
  CHECK_FALSE(plan.next.egress.proxy.has_value());
  CHECK(plan.next.jira_url == "https://a.test");
  CHECK(plan.next.slack_bot_token == "xoxb-1");
  CHECK_FALSE(plan.poll_interval_changed);
}

TEST_CASE("a new Jira personal access token needs a restart, like the other Jira credentials", "[app][reload]") {
  config::Config running;
  running.jira_personal_access_token = "pat-1";
  config::Config fresh = running;
  fresh.jira_personal_access_token = "pat-2";
  app::ReloadPlan plan = app::PlanReload(running, fresh);
  CHECK(plan.needs_restart == std::vector<std::string>{"jira_personal_access_token"});
  CHECK(plan.next.jira_personal_access_token == "pat-1");
}

TEST_CASE("a reload applies channel routes at once unless one names a new service desk", "[app][reload]") {
  config::Config running;
  running.jira_service_desk_id = "3";
  running.jira_request_type_ids = {"10"};
  running.channel_routes = {{"C0BILLING", {"5", {"50"}}}};
  config::Config fresh = running;
  fresh.channel_routes = {{"C0BILLING", {"5", {"50", "51"}}}, {"C0SALES", {"3", {"12"}}}};
  app::ReloadPlan plan = app::PlanReload(running, fresh);
  CHECK(plan.next.channel_routes == fresh.channel_routes);
  CHECK(plan.needs_restart.empty());

  // Desk 7 is new: its tickets would not be searched for after a crash.
  fresh.channel_routes["C0HR"] = {"7", {"70"}};
  fresh.jira_request_type_ids = {"10", "11"};
  plan = app::PlanReload(running, fresh);
  CHECK(plan.next.channel_routes == running.channel_routes);
  CHECK(plan.needs_restart == std::vector<std::string>{"channel_routes (a new service desk)", "jira_request_type_id"});
}

TEST_CASE("the rt keys need a restart; the RT queue is not read as a Jira service desk", "[app][reload]") {
  config::Config running;
  running.helpdesk = "rt";
  running.rt_url = "https://rt.test";
  running.rt_token = "1-1-a";
  running.rt_queue = "General";
  config::Config fresh = running;
  app::ReloadPlan same = app::PlanReload(running, fresh);
  CHECK(same.needs_restart.empty());
  fresh.rt_token = "1-1-b";
  fresh.rt_queue = "IT";
  fresh.rt_marker_field = "sd";
  app::ReloadPlan plan = app::PlanReload(running, fresh);
  CHECK(plan.needs_restart == std::vector<std::string>{"rt_token", "rt_queue", "rt_marker_field"});
  CHECK(plan.next.rt_queue == "General");
}
