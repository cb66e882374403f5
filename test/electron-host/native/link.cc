#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "host.h"

namespace host {
namespace {

int LinkFd() {
  static const int fd = [] {
    const char* value = getenv("ELECTRON_HOST_LINK_FD");
    return value == nullptr ? -1 : atoi(value);
  }();
  return fd;
}

// Hands one message (or the link's end, as null) to lib/init.js on the UI thread.
void Deliver(std::string* line) {
  PostTask([line] {
    Host& host = TheHost();
    if (host.isolate == nullptr || host.link_handler.IsEmpty()) {
      delete line;
      return;
    }
    v8::Isolate* isolate = host.isolate;
    v8::HandleScope scope(isolate);
    v8::Local<v8::Context> context = host.context.Get(isolate);
    v8::Local<v8::Value> arg = v8::Null(isolate);
    if (line != nullptr) {
      arg = v8::String::NewFromUtf8(isolate, line->data(), v8::NewStringType::kNormal,
                                    static_cast<int>(line->size()))
                .ToLocalChecked();
      delete line;
    }
    CallIntoJs(context->Global(), host.link_handler.Get(isolate), 1, &arg);
  });
}

void ReaderMain(int fd) {
  std::string pending;
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buffer, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1) {
      Deliver(new std::string(pending, start, end - start));
    }
    pending.erase(0, start);
  }
  Deliver(nullptr);
}

}  // namespace

bool LinkOpen() { return LinkFd() >= 0; }

void StartLinkReader() {
  if (LinkOpen()) std::thread(ReaderMain, LinkFd()).detach();
}

bool LinkSend(const char* data, size_t length) {
  int fd = LinkFd();
  if (fd < 0) return false;
  while (length > 0) {
    ssize_t n = send(fd, data, length, MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) n = write(fd, data, length);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    length -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace host
