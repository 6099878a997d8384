// The fake Slack's Block Kit checks for the form elements a modal may hold
// (tests/support/block_kit*.cpp): each rule accepts what Slack accepts and
// refuses what it refuses, with a message naming the rule. The rules and
// their sources are in block_kit_elements.cpp.
#include "block_kit.h"

#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

namespace {

std::string ValidateView(const std::string& view_json) {
  rapidjson::Document view;
  view.Parse(view_json.c_str());
  REQUIRE_FALSE(view.HasParseError());
  return fake::ValidateModalView(view);
}

// A modal whose only block is an input block holding `element`, plus
// `block_extra` members in that block.
std::string Input(const std::string& element, const std::string& block_extra = "") {
  return ValidateView(fmt::format(
      R"({{"type":"modal","title":{{"type":"plain_text","text":"Form"}},"submit":{{"type":"plain_text","text":"Send"}},)"
      R"("blocks":[{{"type":"input","block_id":"b1","label":{{"type":"plain_text","text":"Field"}},"element":{}{}}}]}})",
      element, block_extra));
}

std::string Option(const std::string& value, const std::string& text = "", const std::string& type = "plain_text") {
  return fmt::format(R"({{"text":{{"type":"{}","text":"{}"}},"value":"{}"}})", type, text.empty() ? value : text,
                     value);
}

// `count` options "o0", "o1", … as a JSON array.
std::string Options(int count) {
  std::string list;
  for (int i = 0; i < count; ++i) list += (i == 0 ? "" : ",") + Option(fmt::format("o{}", i));
  return "[" + list + "]";
}

std::string Group(const std::string& label, const std::string& options) {
  return fmt::format(R"({{"label":{{"type":"plain_text","text":"{}"}},"options":{}}})", label, options);
}

std::string Select(const std::string& members, const std::string& type = "static_select") {
  return fmt::format(R"({{"type":"{}","action_id":"a1",{}}})", type, members);
}

}  // namespace

TEST_CASE("static_select takes options or option groups, not both, within Slack's counts", "[block_kit]") {
  CHECK(Input(Select(R"("options":)" + Options(100))) == "");
  CHECK(Input(Select(R"("options":)" + Options(101))).find("101 options (allowed 1 to 100)") != std::string::npos);
  CHECK(Input(Select(R"("options":[])")).find("0 options") != std::string::npos);
  std::string groups = "[" + Group("Hardware", Options(100)) + "," + Group("Software", Options(2)) + "]";
  CHECK(Input(Select(R"("option_groups":)" + groups)) == "");
  CHECK(Input(Select(R"("options":)" + Options(2) + R"(,"option_groups":)" + groups))
            .find("exactly one of options and option_groups") != std::string::npos);
  CHECK(Input(Select(R"("placeholder":{"type":"plain_text","text":"Pick"})"))
            .find("exactly one of options and option_groups") != std::string::npos);

  std::string many_groups;
  for (int i = 0; i < 101; ++i) many_groups += (i == 0 ? "" : ",") + Group(fmt::format("g{}", i), Options(1));
  CHECK(Input(Select(R"("option_groups":[)" + many_groups + "]")).find("101 groups (allowed 1 to 100)") !=
        std::string::npos);
  CHECK(Input(Select(R"("option_groups":[])")).find("0 groups") != std::string::npos);
  CHECK(
      Input(Select(R"("option_groups":[)" + Group("Empty", "[]") + "]")).find("option_groups[0].options: 0 options") !=
      std::string::npos);
  CHECK(Input(Select(R"("option_groups":[)" + Group("Big", Options(101)) + "]"))
            .find("option_groups[0].options: 101 options") != std::string::npos);
  CHECK(Input(Select(R"("option_groups":[)" + Group(std::string(75, 'L'), Options(1)) + "]")) == "");
  CHECK(Input(Select(R"("option_groups":[)" + Group(std::string(76, 'L'), Options(1)) + "]"))
            .find("option_groups[0].label.text: 76 characters") != std::string::npos);
}

TEST_CASE("options carry plain_text text and a value of at most 75 characters", "[block_kit]") {
  CHECK(Input(Select(R"("options":[)" + Option(std::string(75, 'v'), std::string(75, 't')) + "]")) == "");
  CHECK(Input(Select(R"("options":[)" + Option(std::string(76, 'v'), "t") + "]"))
            .find("options[0].value: 76 characters") != std::string::npos);
  CHECK(Input(Select(R"("options":[)" + Option("v", std::string(76, 't')) + "]"))
            .find("options[0].text.text: 76 characters") != std::string::npos);
  CHECK(Input(Select(R"("options":[)" + Option("v", "*bold*", "mrkdwn") + "]"))
            .find("options[0].text.type: 'mrkdwn' not allowed") != std::string::npos);
  CHECK(Input(Select(R"("options":[{"text":{"type":"plain_text","text":"No value"}}])"))
            .find("options[0].value: missing") != std::string::npos);
}

TEST_CASE("an initial option must be one of the options, text and value alike", "[block_kit]") {
  CHECK(Input(Select(R"("options":)" + Options(3) + R"(,"initial_option":)" + Option("o2"))) == "");
  std::string groups = "[" + Group("A", Options(2)) + "," + Group("B", "[" + Option("b1", "Bee") + "]") + "]";
  CHECK(Input(Select(R"("option_groups":)" + groups + R"(,"initial_option":)" + Option("b1", "Bee"))) == "");
  CHECK(Input(Select(R"("options":)" + Options(3) + R"(,"initial_option":)" + Option("o9")))
            .find("initial_option: value 'o9' with its text is not one of the options") != std::string::npos);
  CHECK(Input(Select(R"("options":)" + Options(3) + R"(,"initial_option":)" + Option("o1", "Other text")))
            .find("initial_option: value 'o1'") != std::string::npos);
}

TEST_CASE("multi_static_select: initial options among the options, max_selected_items at least 1", "[block_kit]") {
  std::string options = R"("options":)" + Options(5);
  CHECK(Input(Select(options + R"(,"initial_options":[)" + Option("o1") + "," + Option("o3") + "]",
                     "multi_static_select")) == "");
  CHECK(
      Input(Select(options + R"(,"initial_options":[)" + Option("o1") + "," + Option("x") + "]", "multi_static_select"))
          .find("initial_options[1]: value 'x'") != std::string::npos);
  CHECK(Input(Select(options + R"(,"initial_options":[])", "multi_static_select")).find("non-empty array") !=
        std::string::npos);
  CHECK(Input(Select(options + R"(,"max_selected_items":1)", "multi_static_select")) == "");
  CHECK(Input(Select(options + R"(,"max_selected_items":0)", "multi_static_select"))
            .find("max_selected_items: must be an integer of at least 1") != std::string::npos);
  CHECK(Input(Select(R"("option_groups":[)" + Group("G", Options(3)) + "]", "multi_static_select")) == "");
  CHECK(Input(Select(options + R"(,"option_groups":[)" + Group("G", Options(3)) + "]", "multi_static_select"))
            .find("exactly one of") != std::string::npos);
}

TEST_CASE("external selects: min_query_length at least 0, initial options without a list", "[block_kit]") {
  CHECK(Input(Select(R"("min_query_length":0,"initial_option":)" + Option("PRJ-1"), "external_select")) == "");
  CHECK(Input(Select(R"("min_query_length":-1)", "external_select")).find("min_query_length") != std::string::npos);
  CHECK(Input(Select(R"("min_query_length":"3")", "external_select")).find("min_query_length") != std::string::npos);
  CHECK(Input(Select(R"("initial_option":{"text":{"type":"plain_text","text":"x"}})", "external_select"))
            .find("initial_option.value: missing") != std::string::npos);
  CHECK(Input(Select(R"("min_query_length":2,"max_selected_items":3,"initial_options":[)" + Option("a") + "]",
                     "multi_external_select")) == "");
  CHECK(Input(Select(R"("max_selected_items":0)", "multi_external_select")).find("max_selected_items") !=
        std::string::npos);
}

TEST_CASE("date, date-time and time pickers take only real values in Slack's formats", "[block_kit]") {
  auto date = [](const std::string& value) {
    return Input(fmt::format(R"({{"type":"datepicker","action_id":"d","initial_date":"{}"}})", value));
  };
  CHECK(date("2026-12-01") == "");
  CHECK(date("2024-02-29") == "");  // a leap year
  for (const char* bad : {"2026-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-2-01", "01-12-2026", ""}) {
    INFO(bad);
    CHECK(date(bad).find("initial_date: must be an existing day as YYYY-MM-DD") != std::string::npos);
  }
  std::string placeholder =
      R"({{"type":"datepicker","action_id":"d","placeholder":{{"type":"plain_text","text":"{}"}}}})";
  CHECK(Input(fmt::format(placeholder, std::string(150, 'p'))) == "");
  CHECK(Input(fmt::format(placeholder, std::string(151, 'p'))).find("placeholder.text: 151 characters") !=
        std::string::npos);

  CHECK(Input(R"({"type":"datetimepicker","action_id":"dt","initial_date_time":1628633820})") == "");
  CHECK(Input(R"({"type":"datetimepicker","action_id":"dt","initial_date_time":"1628633820"})")
            .find("initial_date_time: must be an integer") != std::string::npos);
  CHECK(Input(R"({"type":"datetimepicker","action_id":"dt","initial_date_time":1628633820.5})")
            .find("initial_date_time") != std::string::npos);

  CHECK(Input(R"({"type":"timepicker","action_id":"t","initial_time":"22:25"})") == "");
  CHECK(Input(R"({"type":"timepicker","action_id":"t","initial_time":"24:00"})").find("initial_time: must be HH:mm") !=
        std::string::npos);
}

TEST_CASE("number_input: is_decimal_allowed required, values are numeric strings in order", "[block_kit]") {
  auto number = [](const std::string& members) {
    return Input(R"({"type":"number_input","action_id":"n")" + std::string(members.empty() ? "" : ",") + members + "}");
  };
  CHECK(number(R"("is_decimal_allowed":false,"initial_value":"-10","min_value":"-20","max_value":"100")") == "");
  CHECK(number(R"("is_decimal_allowed":true,"initial_value":"0.25","min_value":"0","max_value":"5.5")") == "");
  CHECK(number("").find("is_decimal_allowed: required boolean") != std::string::npos);
  CHECK(number(R"("is_decimal_allowed":"false")").find("is_decimal_allowed: required boolean") != std::string::npos);
  CHECK(number(R"("is_decimal_allowed":false,"initial_value":"1.5")")
            .find("initial_value: must be a string holding an integer") != std::string::npos);
  CHECK(number(R"("is_decimal_allowed":true,"min_value":"abc")").find("min_value: must be a string holding a number") !=
        std::string::npos);
  CHECK(number(R"("is_decimal_allowed":true,"max_value":5)").find("max_value") != std::string::npos);
  CHECK(number(R"("is_decimal_allowed":true,"max_value":"1.")").find("max_value") != std::string::npos);
  CHECK(number(R"("is_decimal_allowed":false,"min_value":"10","max_value":"5")")
            .find("min_value: greater than max_value") != std::string::npos);
  CHECK(number(R"("is_decimal_allowed":true,"min_value":"2.5","max_value":"2.5")") == "");
}

TEST_CASE("checkboxes and radio buttons hold 1 to 10 options, mrkdwn allowed", "[block_kit]") {
  for (const char* type : {"checkboxes", "radio_buttons"}) {
    INFO(type);
    CHECK(Input(fmt::format(R"({{"type":"{}","action_id":"c","options":{}}})", type, Options(10))) == "");
    CHECK(Input(fmt::format(R"({{"type":"{}","action_id":"c","options":{}}})", type, Options(11)))
              .find("11 options (allowed 1 to 10)") != std::string::npos);
    CHECK(Input(fmt::format(R"({{"type":"{}","action_id":"c","options":[{}]}})", type,
                            Option("m", "*yes*", "mrkdwn"))) == "");
    CHECK(Input(fmt::format(R"({{"type":"{}","action_id":"c"}})", type)).find("options: missing") != std::string::npos);
  }
  CHECK(Input(R"({"type":"checkboxes","action_id":"c","options":)" + Options(3) + R"(,"initial_options":[)" +
              Option("o2") + "]}") == "");
  CHECK(Input(R"({"type":"checkboxes","action_id":"c","options":)" + Options(3) + R"(,"initial_options":[)" +
              Option("zz") + "]}")
            .find("initial_options[0]: value 'zz'") != std::string::npos);
  CHECK(Input(R"({"type":"radio_buttons","action_id":"c","options":)" + Options(3) + R"(,"initial_option":)" +
              Option("o3") + "}")
            .find("initial_option: value 'o3'") != std::string::npos);
}

TEST_CASE("plain_text_input: min_length 0 to 3000, max_length 1 to 3000, min not above max", "[block_kit]") {
  auto text = [](const std::string& members) {
    return Input(R"({"type":"plain_text_input","action_id":"p",)" + members + "}");
  };
  CHECK(text(R"("min_length":0,"max_length":3000,"multiline":true)") == "");
  CHECK(text(R"("min_length":3000)") == "");
  CHECK(text(R"("min_length":3001)").find("min_length: must be 0 to 3000") != std::string::npos);
  CHECK(text(R"("min_length":-1)").find("min_length: must be 0 to 3000") != std::string::npos);
  CHECK(text(R"("max_length":0)").find("max_length: must be 1 to 3000") != std::string::npos);
  CHECK(text(R"("min_length":10,"max_length":5)").find("min_length: 10 above max_length 5") != std::string::npos);
  CHECK(text(R"("multiline":"yes")").find("multiline: must be a boolean") != std::string::npos);
}

TEST_CASE("input blocks: optional and dispatch_action are booleans, the element an input element", "[block_kit]") {
  std::string element = R"({"type":"plain_text_input","action_id":"p"})";
  CHECK(Input(element, R"(,"optional":true,"dispatch_action":false)") == "");
  CHECK(Input(element, R"(,"optional":"true")").find("blocks[0].optional: must be a boolean") != std::string::npos);
  CHECK(Input(element, R"(,"dispatch_action":1)").find("blocks[0].dispatch_action: must be a boolean") !=
        std::string::npos);
  CHECK(Input(R"({"type":"fancy_widget","action_id":"f"})").find("'fancy_widget' is not an input element") !=
        std::string::npos);
  CHECK(Input(R"({"type":"button","action_id":"b","text":{"type":"plain_text","text":"Go"}})")
            .find("blocks[0].element.type: 'button' is not an input element") != std::string::npos);
  CHECK(Input(R"({"action_id":"p"})").find("element.type: missing") != std::string::npos);
  for (const char* type : {"email_text_input", "url_text_input", "users_select", "multi_users_select",
                           "conversations_select", "channels_select", "rich_text_input", "file_input"}) {
    INFO(type);
    CHECK(Input(fmt::format(R"({{"type":"{}","action_id":"x"}})", type)) == "");
  }
}

TEST_CASE("action_id: at most 255 characters and unique within its block", "[block_kit]") {
  CHECK(Input(fmt::format(R"({{"type":"plain_text_input","action_id":"{}"}})", std::string(255, 'a'))) == "");
  CHECK(Input(fmt::format(R"({{"type":"plain_text_input","action_id":"{}"}})", std::string(256, 'a')))
            .find("element.action_id: 256 characters (max 255)") != std::string::npos);
  CHECK(Input(R"({"type":"plain_text_input","action_id":7})").find("action_id: not a string") != std::string::npos);

  auto actions = [](const std::string& first, const std::string& second) {
    std::string button = R"({{"type":"button","action_id":"{}","text":{{"type":"plain_text","text":"Go"}}}})";
    rapidjson::Document blocks;
    blocks.Parse(fmt::format(R"([{{"type":"actions","block_id":"x","elements":[{},{}]}},)"
                             R"({{"type":"actions","block_id":"y","elements":[{}]}}])",
                             fmt::format(button, first), fmt::format(button, second), fmt::format(button, first))
                     .c_str());
    return fake::ValidateMessageBlocks(blocks);
  };
  CHECK(actions("open", "close") == "");  // the same action_id in another block is fine
  CHECK(actions("open", "open") == "blocks[0].elements[1].action_id: duplicate 'open' in its block");
}
