#include "tls_front.h"

#include <array>
#include <atomic>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

namespace fake {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using TlsStream = asio::ssl::stream<tcp::socket>;

// One client: its TLS stream and the plain connection to the fake. Each
// direction copies chunk by chunk; the first error on either side closes
// both, which the other direction then sees.
struct Session : std::enable_shared_from_this<Session> {
  TlsStream client;
  tcp::socket backend;
  std::array<char, 16384> upstream{};
  std::array<char, 16384> downstream{};

  Session(tcp::socket socket, asio::ssl::context& context)
      : client(std::move(socket), context), backend(client.get_executor()) {}

  void Start(int backend_port, std::atomic<int>* failed) {
    auto self = shared_from_this();
    client.async_handshake(asio::ssl::stream_base::server, [self, backend_port, failed](boost::system::error_code ec) {
      if (ec) {
        failed->fetch_add(1);
        self->Close();
        return;
      }
      tcp::endpoint target(asio::ip::address_v4::loopback(), static_cast<unsigned short>(backend_port));
      self->backend.async_connect(target, [self](boost::system::error_code connect_ec) {
        if (connect_ec) return self->Close();
        self->Pump(self->client, self->backend, self->upstream);
        self->Pump(self->backend, self->client, self->downstream);
      });
    });
  }

  // Copies what arrives on `from` to `to`, chunk by chunk, until either
  // side fails; `buffer` is this direction's own.
  template <class From, class To>
  void Pump(From& from, To& to, std::array<char, 16384>& buffer) {
    auto self = shared_from_this();
    from.async_read_some(asio::buffer(buffer), [self, &from, &to, &buffer](boost::system::error_code ec, size_t n) {
      if (ec) return self->Close();
      asio::async_write(to, asio::buffer(buffer, n),
                        [self, &from, &to, &buffer](boost::system::error_code write_ec, size_t) {
                          if (write_ec) return self->Close();
                          self->Pump(from, to, buffer);
                        });
    });
  }

  void Close() {
    boost::system::error_code ignored;
    client.lowest_layer().close(ignored);
    backend.close(ignored);
  }
};

}  // namespace

struct TlsFront::Impl {
  asio::io_context io;
  asio::ssl::context context{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
  int backend_port;
  std::atomic<int> failed{0};
  std::thread thread;

  void Accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;  // the acceptor was closed
      std::make_shared<Session>(std::move(socket), context)->Start(backend_port, &failed);
      Accept();
    });
  }
};

TlsFront::TlsFront(int backend_port, const std::string& cert_file, const std::string& key_file)
    : impl_(std::make_unique<Impl>()) {
  impl_->backend_port = backend_port;
  impl_->context.use_certificate_chain_file(cert_file);
  impl_->context.use_private_key_file(key_file, asio::ssl::context::pem);
  impl_->Accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

TlsFront::~TlsFront() {
  asio::post(impl_->io, [this] {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->io.stop();
  impl_->thread.join();
}

int TlsFront::port() const { return impl_->acceptor.local_endpoint().port(); }

int TlsFront::FailedHandshakes() const { return impl_->failed.load(); }

}  // namespace fake
