#include "raw_answer.h"

#include <stdexcept>

#include <zlib.h>

#include "loopback_http_server.h"

namespace fake {

HttpResponse ToHttpResponse(const RawAnswer& answer) {
  HttpResponse response;
  response.status = answer.status;
  response.content_type = answer.content_type;
  response.body = answer.gzip ? Gzip(answer.body) : answer.body;
  if (answer.gzip) response.headers.emplace_back("Content-Encoding", "gzip");
  return response;
}

std::string Gzip(std::string_view data) {
  z_stream stream{};
  // 15 window bits + 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
  return out;
}

}  // namespace fake
