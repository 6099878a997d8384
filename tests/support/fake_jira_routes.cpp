#include <algorithm>

#include <fmt/format.h>

#include "fake_jira_impl.h"
#include "fake_jira_time.h"
#include "http_util.h"
#include "util/strings.h"

namespace fake {

using jira::kSearchRemoved;
using jira::PlatformError;
using jira::Reply;
using jira::ServiceDeskError;
using jira::SplitPath;

HttpResponse FakeJira::Impl::Handle(const HttpRequest& request) {
  Call call;
  call.method = request.method;
  call.resource = request.resource;
  call.segments = SplitPath(request.Path());
  call.body = request.body;
  call.authorization = request.Header("Authorization");
  call.experimental = request.Header("X-ExperimentalApi");
  call.content_type = request.Header("Content-Type");
  call.atlassian_token = request.Header("X-Atlassian-Token");
  return Dispatch(call);
}

Reply FakeJira::Impl::Dispatch(const Call& call) {
  std::lock_guard<std::mutex> lock(signal.mutex());
  // An upload's bytes are not kept twice (a test may send 100 MB).
  std::string body = call.body.size() > (1 << 20) ? fmt::format("({} bytes)", call.body.size()) : call.body;
  requests.push_back(
      JiraRequest{call.method, call.resource, std::move(body), call.authorization, std::chrono::steady_clock::now()});
  Bump();
  if (outage) return FaultReply(outage_status, -1);
  for (auto it = faults.begin(); it != faults.end(); ++it) {
    if ((it->method.empty() || it->method == call.method) && util::StartsWith(call.resource, it->path_prefix)) {
      Fault fault = *it;
      if (--it->remaining <= 0) faults.erase(it);
      if (fault.answer) return ToHttpResponse(*fault.answer);
      return FaultReply(fault.status, fault.retry_after_s);
    }
  }
  // A signed media URL: its token is the credential.
  if (!call.segments.empty() && call.segments[0] == "media") return ServeMedia(call);
  // serverInfo can be read anonymously (Cloud's docs; [U] on Data Center).
  bool anonymous_info = call.authorization.empty() && call.segments.size() == 4 && call.segments[3] == "serverInfo";
  if (anonymous_info) return Route(call);
  if (dc) {
    if (auto refused = DataCenterAuth(call)) return *refused;
  } else if (!Authorized(call.authorization)) {
    return Unauthorized(call);
  }
  return Route(call);
}

Reply FakeJira::Impl::FaultReply(int status, int retry_after_s) {
  Reply reply;
  reply.status = status;
  if (status == 502 || status == 503 || status == 504) {
    // Edge/gateway errors are HTML, not JSON.
    reply.content_type = "text/html";
    reply.body = fmt::format(
        "<html><head><title>{0} Service Unavailable</title></head><body><h1>{0}</h1>"
        "<p>The server is temporarily unable to service your request.</p></body></html>",
        status);
    if (retry_after_s >= 0) reply.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
    return reply;
  }
  if (status == 429 && dc) {
    // Data Center's admin-configured token bucket (behind-the-firewall.md
    // section 8): its own X-RateLimit-* headers, no Reset or Reason.
    reply = PlatformError(429, {"Rate limit exceeded."});
    reply.headers.emplace_back("Retry-After", std::to_string(std::max(retry_after_s, 0)));
    reply.headers.emplace_back("X-RateLimit-Limit", "70");
    reply.headers.emplace_back("X-RateLimit-Remaining", "0");
    reply.headers.emplace_back("X-RateLimit-Interval-Seconds", "1");
    reply.headers.emplace_back("X-RateLimit-FillRate", "5");
    return reply;
  }
  if (status == 429) {
    reply = PlatformError(429, {"Rate limit exceeded."});
    if (retry_after_s >= 0) reply.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
    // X-RateLimit-Reset is minute-granular ISO 8601 UTC; round up so the
    // reset is never before Retry-After says.
    long long reset = NowMsLocked() + std::max(retry_after_s, 0) * 1000LL + 59999;
    reply.headers.emplace_back("X-RateLimit-Reset", FormatUtcMinute(reset));
    reply.headers.emplace_back("X-RateLimit-Limit", "100");
    reply.headers.emplace_back("X-RateLimit-Remaining", "0");
    // [unverified] name of the burst-limit reason; documented ones are
    // jira-cost-based and jira-quota-based.
    reply.headers.emplace_back("RateLimit-Reason", "jira-burst-based");
    return reply;
  }
  reply = PlatformError(status, {"Internal server error"});
  if (retry_after_s >= 0) reply.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return reply;
}

bool FakeJira::Impl::Authorized(const std::string& authorization) {
  if (authorization.size() < 6 || util::Lower(authorization.substr(0, 6)) != "basic ") return false;
  std::string encoded = authorization.substr(6);
  encoded.erase(0, encoded.find_first_not_of(' '));
  return Base64Decode(encoded) == std::string(kEmail) + ":" + kApiToken;
}

bool FakeJira::Impl::IsServiceDeskApi(const Call& call) {
  return call.segments.size() >= 2 && call.segments[0] == "rest" && call.segments[1] == "servicedeskapi";
}

Reply FakeJira::Impl::Unauthorized(const Call& call) {
  Reply reply = IsServiceDeskApi(call)
                    ? ServiceDeskError(401,
                                       "You are not authenticated. Authentication required to perform this "
                                       "operation.",
                                       "sd.api.error.unauthenticated")
                    : PlatformError(401, {"You are not authenticated. Authentication required to perform this "
                                          "operation."});
  reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"protected-area\"");
  return reply;
}

Reply FakeJira::Impl::MethodNotAllowed() {
  Reply reply;
  reply.status = 405;
  reply.content_type.clear();
  return reply;
}

Reply FakeJira::Impl::Route(const Call& call) {
  const std::vector<std::string>& s = call.segments;
  const std::string& m = call.method;
  if (s.size() == 4 && s[0] == "rest" && s[1] == "api" && s[2] == "2" && s[3] == "serverInfo") {
    return m == "GET" ? ServerInfo() : MethodNotAllowed();
  }
  if (s.size() >= 3 && s[0] == "secure" && s[1] == "attachment") {
    return m == "GET" ? AttachmentBytes(s[2]) : MethodNotAllowed();
  }
  if (dc) {
    if (auto reply = RouteDataCenter(call)) return *reply;
  }
  if (s.size() >= 3 && s[0] == "rest" && s[1] == "api" && (s[2] == "2" || s[2] == "3" || s[2] == "latest")) {
    bool v3 = !dc && s[2] != "2";  // Data Center's latest is 2
    std::vector<std::string> r(s.begin() + 3, s.end());
    if (r.size() == 1 && r[0] == "myself") return m == "GET" ? Myself() : MethodNotAllowed();
    // The old search (and search/id) was removed in 2025: 410 Gone.
    if ((r.size() == 1 && r[0] == "search") || (r.size() == 2 && r[0] == "search" && r[1] == "id")) {
      return PlatformError(410, {kSearchRemoved});
    }
    if (r.size() == 2 && r[0] == "search" && r[1] == "jql") {
      return m == "GET" || m == "POST" ? Search(call) : MethodNotAllowed();
    }
    if (r.size() == 1 && r[0] == "user") return m == "GET" ? GetUser(call) : MethodNotAllowed();
    if (r.size() == 2 && r[0] == "issue") return m == "GET" ? GetIssue(r[1], v3) : MethodNotAllowed();
    if (r.size() == 3 && r[0] == "attachment" && r[1] == "content") {
      return m == "GET" ? AttachmentContent(call, r[2]) : MethodNotAllowed();
    }
    if (r.size() == 3 && r[0] == "issue" && r[2] == "transitions") {
      if (m == "GET") return GetTransitions(r[1]);
      if (m == "POST") return DoTransition(call, r[1]);
      return MethodNotAllowed();
    }
    if (r.size() == 3 && r[0] == "issue" && r[2] == "comment") {
      if (m == "GET") return PlatformComments(call, r[1], v3);
      if (m == "POST") return PlatformAddComment(call, r[1], v3);
      return MethodNotAllowed();
    }
  }
  if (IsServiceDeskApi(call)) {
    std::vector<std::string> r(s.begin() + 2, s.end());
    if (r.size() == 2 && r[0] == "servicedesk") return m == "GET" ? GetServiceDesk(r[1]) : MethodNotAllowed();
    if (r.size() == 4 && r[0] == "servicedesk" && r[2] == "requesttype") {
      return m == "GET" ? GetRequestType(r[1], r[3]) : MethodNotAllowed();
    }
    if (r.size() == 5 && r[0] == "servicedesk" && r[2] == "requesttype" && r[4] == "field") {
      return m == "GET" ? GetRequestTypeFields(r[1], r[3]) : MethodNotAllowed();
    }
    if (r.size() == 3 && r[0] == "servicedesk" && r[2] == "attachTemporaryFile") {
      return m == "POST" ? AttachTemporaryFile(call, r[1]) : MethodNotAllowed();
    }
    if (r.size() == 3 && r[0] == "request" && r[2] == "attachment") {
      if (m == "POST") return AttachToRequest(call, r[1]);
      if (m == "GET") return ListAttachments(call, r[1]);
      return MethodNotAllowed();
    }
    if (r.size() == 3 && r[0] == "servicedesk" && r[2] == "customer") {
      return m == "GET" ? Customers(call, r[1]) : MethodNotAllowed();
    }
    if (r.size() == 1 && r[0] == "request") return m == "POST" ? CreateRequest(call) : MethodNotAllowed();
    if (r.size() == 2 && r[0] == "request") return m == "GET" ? GetRequest(r[1]) : MethodNotAllowed();
    if (r.size() == 3 && r[0] == "request" && r[2] == "comment") {
      if (m == "GET") return ServiceDeskComments(call, r[1]);
      if (m == "POST") return ServiceDeskAddComment(call, r[1]);
      return MethodNotAllowed();
    }
    return ServiceDeskError(404, "No resource found for " + call.resource.substr(0, call.resource.find('?')),
                            "sd.api.resource.not.found");
  }
  return PlatformError(404, {"null for uri: " + base() + call.resource});
}

}  // namespace fake
