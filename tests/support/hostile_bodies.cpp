#include "hostile_bodies.h"

#include "util/http/http_client.h"

namespace testing {
namespace {

fake::RawAnswer Json(std::string body) { return fake::RawAnswer{200, "application/json", std::move(body), false}; }

}  // namespace

std::string DeepNesting(size_t depth) { return std::string(depth, '['); }

std::vector<HostileAnswer> HostileAnswers() {
  // Field names are those the clients read (Slack: ok, url, user_id,
  // messages; Jira: values, issues, comments, fields, accountId, issueKey).
  return {
      {"an empty array", Json("[]")},
      {"null", Json("null")},
      {"a number", Json("42")},
      {"a string", Json("\"ok\"")},
      {"an empty object", Json("{}")},
      {"containers that are objects", Json(R"({"ok":true,"values":{},"issues":{},"comments":{},"messages":{},)"
                                           R"("requestFieldValues":{},"properties":{}})")},
      {"fields that are null",
       Json(R"({"ok":null,"fields":null,"issues":[{"key":"SUP-1","fields":null}],"values":null,"comments":null,)"
            R"("user":null,"user_id":null,"url":null,"issueKey":null,"accountId":null})")},
      {"numbers where strings are expected",
       Json(R"({"ok":1,"url":5,"user_id":6,"accountId":7,"issueKey":8,"key":9,"projectKey":10,"name":11,)"
            R"("issues":[{"id":1,"key":2}],"comments":[{"id":3,"body":4}],"values":[{"accountId":5,"emailAddress":6}]})")},
      {"elements of the wrong type",
       Json(R"({"ok":true,"issues":[1,null,"x",[]],"comments":[1,"x",null,[]],"values":[1,null,"x"],)"
            R"("requestFieldValues":[1,null],"messages":[1,null,"x"],"errorMessages":[1,{}],"errors":{"a":1}})")},
      {"nested members of the wrong type",
       Json(R"({"comments":[{"id":"1","author":[],"properties":[1,null,{"key":"slackdesk","value":[]}],)"
            R"("jsdPublic":"yes","created":7}],"issues":[{"key":"SUP-1","fields":{"status":[],"updated":[]}}]})")},
      {"a comment id too long to be one", Json(R"({"comments":[{"id":"99999999999999999999999","body":"x"}]})")},
      {"a truncated body", Json(R"({"ok":true,"issues":[{"key":"SUP-1","fields":{"upd)")},
      {"an empty body", Json("")},
      {"an HTML page with status 200",
       fake::RawAnswer{200, "text/html", "<html><head><title>Sign in</title></head><body>Sign in</body></html>", false}},
      {"100,000 unclosed '['", Json(DeepNesting(100000))},
      {"100,000 nested arrays, closed", Json(DeepNesting(100000) + std::string(100000, ']'))},
      {"deep nesting inside the expected member", Json(R"({"ok":true,"issues":)" + DeepNesting(100000))},
  };
}

std::vector<HostileAnswer> OversizedAnswers() {
  std::string huge = "{\"pad\":\"" + std::string(util::http::kDefaultMaxResponseBytes, 'x') + "\"}";
  return {
      {"a body above the cap", Json(huge)},
      {"a gzip bomb above the cap once decoded", fake::RawAnswer{200, "application/json", huge, true}},
  };
}

}  // namespace testing
