// Real HTTP against the fake Jira for its own tests: requests sent with the
// project's libcurl client (Basic auth of the bot unless told otherwise)
// and the answers parsed, shared by the fake_jira test files.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "curl_global.h"
#include "fake_jira.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"

namespace fake_jira_test {

using fake::FakeJira;
using fake::Millis;
using Headers = std::vector<std::pair<std::string, std::string>>;


struct Response {
  int status = 0;
  std::string body;
  util::http::HttpResponse raw;
  rapidjson::Document json;
};

inline Response Send(const FakeJira& jira, const std::string& method, const std::string& path,
                     const std::string& body = {}, Headers headers = {}, bool authenticate = true) {
  util::http::HttpRequest request;
  request.method = method;
  request.url = jira.base_url() + path;
  request.body = body;
  request.timeout = Millis(10000);
  request.headers = std::move(headers);
  if (authenticate) request.headers.emplace_back("Authorization", FakeJira::BasicAuthorization());
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Accept", "application/json");
  util::http::CurlHttpClient client;
  auto result = client.Send(request);
  REQUIRE(result.has_value());
  Response response;
  response.status = result->status;
  response.body = result->body;
  response.raw = *result;
  response.json.Parse(response.body.c_str());
  return response;
}

// As Send, signed in as a Data Center site expects (Bearer token).
inline Response SendBearer(const FakeJira& jira, const std::string& method, const std::string& path,
                           const std::string& body = {}) {
  return Send(jira, method, path, body, {{"Authorization", FakeJira::BearerAuthorization()}}, false);
}

inline Response Get(const FakeJira& jira, const std::string& path, Headers headers = {}) {
  return Send(jira, "GET", path, {}, std::move(headers));
}

inline Response Post(const FakeJira& jira, const std::string& path, const std::string& body) {
  return Send(jira, "POST", path, body);
}

inline std::string String(const rapidjson::Value& object, const char* key) {
  REQUIRE(object.HasMember(key));
  REQUIRE(object[key].IsString());
  return object[key].GetString();
}

inline bool IsServiceDeskError(const Response& response) {
  return response.json.IsObject() && response.json.HasMember("errorMessage") &&
         response.json["errorMessage"].IsString() && response.json.HasMember("i18nErrorMessage") &&
         response.json["i18nErrorMessage"].HasMember("i18nKey");
}

inline Response CreateRequest(const FakeJira& jira, const std::string& summary, const std::string& description = "",
                       const std::string& extra = "") {
  return Post(jira, "/rest/servicedeskapi/request",
              fmt::format(R"({{"serviceDeskId":"{}","requestTypeId":"{}","requestFieldValues":{{"summary":{},)"
                          R"("description":{}}}{}}})",
                          FakeJira::kServiceDeskId, FakeJira::kRequestTypeId, json::Quote(summary), json::Quote(description),
                          extra));
}

inline Response Search(const FakeJira& jira, const std::string& jql, const std::string& extra = R"("fields":["updated","status"])") {
  return Post(jira, "/rest/api/3/search/jql", fmt::format(R"({{"jql":{},{}}})", json::Quote(jql), extra));
}

inline std::vector<std::string> Keys(const Response& response) {
  std::vector<std::string> keys;
  for (const auto& issue : response.json["issues"].GetArray()) keys.emplace_back(issue["key"].GetString());
  return keys;
}

inline bool IsPlatformError(const Response& response) {
  return response.json.IsObject() && response.json.HasMember("errorMessages") &&
         response.json["errorMessages"].IsArray() && response.json.HasMember("errors");
}

}  // namespace fake_jira_test
