// What the pieces of the host share: the one isolate, its context and environment, and
// the browser's exit code (ElectronBrowserMainParts).
#pragma once

#include <node.h>
#include <v8.h>

#include <optional>

#include "node_bindings.h"

namespace host {

struct Host {
  v8::Isolate* isolate = nullptr;
  v8::Global<v8::Context> context;
  node::Environment* env = nullptr;
  NodeBindings* node_bindings = nullptr;
  // ElectronBrowserMainParts::exit_code_: engaged once the main message loop is about to
  // run (WillRunMainMessageLoop); before that, app.exit() exits the process directly.
  std::optional<int> exit_code;
  // JavaScript the host calls at fixed points (set by lib/init.js).
  v8::Global<v8::Function> finish_launching;
  v8::Global<v8::Function> link_handler;
};

Host& TheHost();

// The linked binding `process._linkedBinding('electron_host')` (binding.cc).
void InitBinding(v8::Local<v8::Object> exports, v8::Local<v8::Value> module,
                 v8::Local<v8::Context> context, void* priv);
// The garbage-collection probes of the binding (gc_probes.cc).
void InitGcProbes(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);

// Calls `fn` from a UI task the way Electron calls into JavaScript from C++
// (gin_helper::EmitEvent): inside a node::CallbackScope, through node::MakeCallback;
// closing the outermost scope runs the tick queue and the microtask checkpoint.
void CallIntoJs(v8::Local<v8::Object> receiver, v8::Local<v8::Function> fn, int argc,
                v8::Local<v8::Value>* argv);

// The renderer link (link.cc): newline-delimited JSON with the process that plays
// Chromium's renderers, on the file descriptor in ELECTRON_HOST_LINK_FD. A reader
// thread posts each message to the UI thread (as Chromium's IO thread does with IPC).
bool LinkOpen();
void StartLinkReader();
bool LinkSend(const char* data, size_t length);

}  // namespace host
