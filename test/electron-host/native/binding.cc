// process._linkedBinding('electron_host'): what the electron module stand-in (lib/) builds
// on. Every entry point of a real Electron API calls checkUiThread() first, so a call from
// any thread but the UI thread kills the process the way Chromium's CHECKs do.
#include <unistd.h>

#include <vector>

#include "host.h"

namespace host {
namespace {

using v8::Context;
using v8::Function;
using v8::FunctionCallbackInfo;
using v8::Global;
using v8::HandleScope;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::String;
using v8::Value;

Local<String> Str(Isolate* isolate, const char* text) {
  return String::NewFromUtf8(isolate, text).ToLocalChecked();
}

bool ThrowUnless(bool ok, const FunctionCallbackInfo<Value>& info, const char* message) {
  if (!ok) info.GetIsolate()->ThrowException(v8::Exception::TypeError(Str(info.GetIsolate(), message)));
  return ok;
}

// checkUiThread(what): aborts the process off the UI thread.
void CheckUiThread(const FunctionCallbackInfo<Value>& info) {
  if (OnUiThread()) return;
  String::Utf8Value what(info.GetIsolate(), info[0]);
  CheckFailedOffUiThread(*what != nullptr ? *what : "an Electron API");
}

void IsUiThread(const FunctionCallbackInfo<Value>& info) { info.GetReturnValue().Set(OnUiThread()); }

// emit(target, name, ...args): gin_helper::EmitEvent, how Electron's C++ emits every
// event: `target.emit(name, ...args)` in a node::CallbackScope through node::MakeCallback.
// Returns what emit returned (false when a listener threw; the error is reported as
// uncaught, the scope's TryCatch being verbose).
void Emit(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (!ThrowUnless(info[0]->IsObject() && info[1]->IsString(), info, "emit(target, name, ...args)")) return;
  Local<Object> target = info[0].As<Object>();
  std::vector<Local<Value>> args;
  for (int i = 1; i < info.Length(); i++) args.push_back(info[i]);
  Local<Value> result = v8::False(isolate);
  {
    node::CallbackScope scope(isolate, target, {0, 0});
    Local<Value> returned;
    if (node::MakeCallback(isolate, target, "emit", static_cast<int>(args.size()), args.data(), {0, 0})
            .ToLocal(&returned)) {
      result = returned;
    }
  }
  info.GetReturnValue().Set(result);
}

// postTask(fn, delayMs): fn runs as a UI task posted from another thread once delayMs
// have passed, called into like Electron calls into JavaScript (IPC, window events).
void PostTaskFromThread(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (!ThrowUnless(info[0]->IsFunction(), info, "postTask(fn, delayMs)")) return;
  int delay = info[1]->Int32Value(isolate->GetCurrentContext()).FromMaybe(0);
  auto* fn = new Global<Function>(isolate, info[0].As<Function>());
  PostDelayedTask(
      [fn] {
        Host& host = TheHost();
        if (host.isolate == nullptr) return;  // shutting down: leaked, never reset late
        HandleScope scope(host.isolate);
        Local<Function> callee = fn->Get(host.isolate);
        fn->Reset();
        delete fn;
        CallIntoJs(host.context.Get(host.isolate)->Global(), callee, 0, nullptr);
      },
      delay);
}

// runNestedLoop(done): base::RunLoop(kNestableTasksAllowed).Run() until done() is true.
void RunNestedLoopJs(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (!ThrowUnless(info[0]->IsFunction(), info, "runNestedLoop(done)")) return;
  if (!OnUiThread()) CheckFailedOffUiThread("a nested run loop");
  Global<Function> done(isolate, info[0].As<Function>());
  Local<Context> context = isolate->GetCurrentContext();
  RunNestedLoop([&] {
    HandleScope scope(isolate);
    v8::TryCatch try_catch(isolate);
    Local<Value> result;
    if (!done.Get(isolate)->Call(context, v8::Undefined(isolate), 0, nullptr).ToLocal(&result)) return true;
    return result->BooleanValue(isolate);
  });
}

void ActivateUvLoop(const FunctionCallbackInfo<Value>&) { TheHost().node_bindings->ActivateUvLoop(); }

// Browser::RunQuitClosure: the main loop's QuitWhenIdle closure, posted as a task.
void RunQuitClosure(const FunctionCallbackInfo<Value>&) {
  PostTask([] { QuitMainLoopWhenIdle(); });
}

// setExitCode(code): ElectronBrowserMainParts::SetExitCode; false before the main loop.
void SetExitCode(const FunctionCallbackInfo<Value>& info) {
  Host& host = TheHost();
  if (!host.exit_code.has_value()) {
    info.GetReturnValue().Set(false);
    return;
  }
  host.exit_code = info[0]->Int32Value(info.GetIsolate()->GetCurrentContext()).FromMaybe(0);
  info.GetReturnValue().Set(true);
}

void ExitCode(const FunctionCallbackInfo<Value>& info) {
  info.GetReturnValue().Set(TheHost().exit_code.value_or(0));
}

// exitNow(code): Browser::ExitWithCode before the main loop runs: "quit directly".
void ExitNow(const FunctionCallbackInfo<Value>& info) {
  int code = info[0]->Int32Value(info.GetIsolate()->GetCurrentContext()).FromMaybe(0);
  fflush(stdout);
  fflush(stderr);
  _exit(code);
}

void SetFinishLaunching(const FunctionCallbackInfo<Value>& info) {
  if (!ThrowUnless(info[0]->IsFunction(), info, "setFinishLaunching(fn)")) return;
  TheHost().finish_launching.Reset(info.GetIsolate(), info[0].As<Function>());
}

void SetLinkHandler(const FunctionCallbackInfo<Value>& info) {
  if (!ThrowUnless(info[0]->IsFunction(), info, "setLinkHandler(fn)")) return;
  TheHost().link_handler.Reset(info.GetIsolate(), info[0].As<Function>());
  StartLinkReader();
}

void HasLink(const FunctionCallbackInfo<Value>& info) { info.GetReturnValue().Set(LinkOpen()); }

void LinkSendJs(const FunctionCallbackInfo<Value>& info) {
  if (!ThrowUnless(info[0]->IsString(), info, "linkSend(json)")) return;
  String::Utf8Value text(info.GetIsolate(), info[0]);
  std::string line(*text, text.length());
  line.push_back('\n');
  info.GetReturnValue().Set(LinkSend(line.data(), line.size()));
}

void Set(Local<Context> context, Local<Object> exports, const char* name, v8::FunctionCallback callback) {
  Isolate* isolate = TheHost().isolate;
  exports->Set(context, Str(isolate, name), Function::New(context, callback).ToLocalChecked()).Check();
}

}  // namespace

void CallIntoJs(Local<Object> receiver, Local<Function> fn, int argc, Local<Value>* argv) {
  Isolate* isolate = TheHost().isolate;
  node::CallbackScope scope(isolate, receiver, {0, 0});
  (void)node::MakeCallback(isolate, receiver, fn, argc, argv, {0, 0});
}

void InitBinding(Local<Object> exports, Local<Value>, Local<Context> context, void*) {
  Set(context, exports, "checkUiThread", CheckUiThread);
  Set(context, exports, "isUiThread", IsUiThread);
  Set(context, exports, "emit", Emit);
  Set(context, exports, "postTask", PostTaskFromThread);
  Set(context, exports, "runNestedLoop", RunNestedLoopJs);
  Set(context, exports, "activateUvLoop", ActivateUvLoop);
  Set(context, exports, "runQuitClosure", RunQuitClosure);
  Set(context, exports, "setExitCode", SetExitCode);
  Set(context, exports, "exitCode", ExitCode);
  Set(context, exports, "exitNow", ExitNow);
  Set(context, exports, "setFinishLaunching", SetFinishLaunching);
  Set(context, exports, "setLinkHandler", SetLinkHandler);
  Set(context, exports, "hasLink", HasLink);
  Set(context, exports, "linkSend", LinkSendJs);
  InitGcProbes(context, exports);
}

}  // namespace host
