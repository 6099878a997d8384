// The HTTP/1.1 the fakes' server speaks: requests taken whole from a
// connection's bytes (pure), and the server keeping a connection alive over
// real sockets on 127.0.0.1, as Slack's and Atlassian's servers do.
#include <atomic>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <curl/curl.h>

#include "curl_global.h"
#include "http_wire.h"
#include "loopback_http_server.h"

using fake::HttpRequest;
using fake::HttpResponse;
using fake::wire::Taken;

namespace {

constexpr size_t kMax = 1 << 20;

Taken Take(const std::string& bytes) { return fake::wire::TakeRequest(bytes, kMax); }

}  // namespace

TEST_CASE("a request is taken whole, and only once all of it is in") {
  std::string post = "POST /api/chat.postMessage HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
  Taken whole = Take(post);
  REQUIRE(whole.kind == Taken::Kind::kRequest);
  CHECK(whole.request.method == "POST");
  CHECK(whole.request.resource == "/api/chat.postMessage");
  CHECK(whole.request.body == "hello");
  CHECK(whole.request.Header("content-length") == "5");
  CHECK(whole.consumed == post.size());
  CHECK(whole.keep_alive);

  for (size_t cut : {size_t{0}, size_t{10}, post.find("\r\n\r\n"), post.size() - 1}) {
    INFO("cut at " << cut);
    CHECK(Take(post.substr(0, cut)).kind == Taken::Kind::kNeedMore);
  }
  // Pipelined: the first request only; the second stays for later.
  std::string two = post + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
  Taken first = Take(two);
  REQUIRE(first.kind == Taken::Kind::kRequest);
  CHECK(first.consumed == post.size());
  Taken second = Take(two.substr(first.consumed));
  REQUIRE(second.kind == Taken::Kind::kRequest);
  CHECK(second.request.resource == "/b");
  CHECK(second.request.body.empty());
}

TEST_CASE("a chunked body is joined, with extensions and trailers") {
  std::string chunked =
      "POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=x\r\nhello\r\n1A\r\n abcdefghijklmnopqrstuvwxy\r\n0\r\nX-Sum: 1\r\n\r\n";
  Taken taken = Take(chunked);
  REQUIRE(taken.kind == Taken::Kind::kRequest);
  CHECK(taken.request.body == "hello abcdefghijklmnopqrstuvwxy");
  CHECK(taken.consumed == chunked.size());
  for (size_t cut = chunked.find("\r\n\r\n") + 4; cut < chunked.size(); cut += 3) {
    INFO("cut at " << cut);
    CHECK(Take(chunked.substr(0, cut)).kind == Taken::Kind::kNeedMore);
  }
}

TEST_CASE("what is not HTTP, or too large, is refused with the status that says why") {
  struct Case {
    std::string bytes;
    int status;
  };
  std::string big_head = "GET / HTTP/1.1\r\nX: " + std::string(70 * 1024, 'a') + "\r\n\r\n";
  Case cases[] = {
      {"GET /\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nno colon\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n", 413},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFF\r\n", 413},
      {big_head, 431},
      {std::string(70 * 1024, 'a'), 431},
  };
  for (const Case& c : cases) {
    INFO(c.bytes.substr(0, 80));
    Taken taken = Take(c.bytes);
    CHECK(taken.kind == Taken::Kind::kBad);
    CHECK(taken.status == c.status);
  }
}

TEST_CASE("who closes: Connection: close, HTTP/1.0, and 100 Continue before a body") {
  CHECK_FALSE(Take("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keep_alive);
  CHECK_FALSE(Take("GET / HTTP/1.0\r\n\r\n").keep_alive);
  CHECK(Take("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
  Taken waiting = Take("PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  CHECK(waiting.kind == Taken::Kind::kNeedMore);
  CHECK(waiting.expects_continue);
  CHECK_FALSE(Take("PUT / HTTP/1.1\r\nContent-Length: 3\r\n\r\n").expects_continue);
  // Repeated headers read as one, joined as websocketpp joined them.
  Taken repeated = Take("GET / HTTP/1.1\r\nAccept: a\r\naccept: b\r\n\r\n");
  CHECK(repeated.request.Header("Accept") == "a, b");
  CHECK(repeated.request.headers.size() == 1);
}

TEST_CASE("an answer says its length, and has no body where HTTP allows none") {
  HttpResponse ok{200, "application/json", {{"X-A", "1"}}, R"({"ok":true})"};
  CHECK(fake::wire::Serialize(ok, "POST", false) ==
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-A: 1\r\nContent-Length: 11\r\n\r\n{\"ok\":true}");
  CHECK(fake::wire::Serialize(ok, "HEAD", true) ==
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-A: 1\r\nContent-Length: 11\r\nConnection: close\r\n\r\n");
  HttpResponse none{204, "", {}, "ignored"};
  CHECK(fake::wire::Serialize(none, "POST", false) == "HTTP/1.1 204 No Content\r\n\r\n");
}

TEST_CASE("the fakes' server keeps a connection alive, answers pipelined requests in order, and closes it at Stop") {
  fake::LoopbackHttpServer server;
  std::atomic<int> answered{0};
  server.Start([&answered](const HttpRequest& request) {
    ++answered;
    return HttpResponse{200, "text/plain", {}, request.resource + " " + request.body};
  });

  // libcurl reuses its one connection for three requests.
  CURL* curl = curl_easy_init();
  REQUIRE(curl != nullptr);
  std::string received;
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
  });
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &received);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  long connects = 0;
  for (int i = 0; i < 3; ++i) {
    std::string url = server.base_url() + "/r" + std::to_string(i);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "body");
    REQUIRE(curl_easy_perform(curl) == CURLE_OK);
    long made = 0;
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &made);
    connects += made;
  }
  curl_easy_cleanup(curl);
  CHECK(received == "/r0 body/r1 body/r2 body");
  CHECK(connects == 1);

  // Two requests in one write: two answers, in order, on the same socket.
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(server.port())});
  boost::asio::write(socket, boost::asio::buffer(std::string("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                                                             "POST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi")));
  std::string first = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n/a ";
  std::string second = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n/b hi";
  std::string answers(first.size() + second.size(), '\0');
  boost::asio::read(socket, boost::asio::buffer(answers));
  CHECK(answers == first + second);
  CHECK(answered == 5);

  // Stop closes the connection the client still keeps.
  server.Stop();
  char byte = 0;
  boost::system::error_code ec;
  size_t n = socket.read_some(boost::asio::buffer(&byte, 1), ec);
  CHECK(n == 0);
  CHECK(ec == boost::asio::error::eof);
}
