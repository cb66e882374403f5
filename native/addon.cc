// The Node-API surface of the switching core. The greenlet semantics live in
// src/main/greenlet.ts; this file only moves the V8 lock between threads.
#define NAPI_VERSION 8
#include <napi.h>

#include <cstring>
#include <string>

#include "core.h"
#include "v8_api.h"

namespace tendril {
namespace {

Core* GetCore(const Napi::Env& env) { return env.GetInstanceData<Core>(); }

// Throws the GreenletError class the JS layer registered (a plain Error before that).
void ThrowGreenletError(const Napi::Env& env, const std::string& message) {
  Core* core = GetCore(env);
  napi_value ctor = nullptr;
  if (core->error_class() != nullptr &&
      napi_get_reference_value(env, core->error_class(), &ctor) == napi_ok && ctor) {
    Napi::Value error = Napi::Function(env, ctor).New({Napi::String::New(env, message)});
    if (!env.IsExceptionPending()) Napi::Error(env, error).ThrowAsJavaScriptException();
    return;
  }
  Napi::Error::New(env, message).ThrowAsJavaScriptException();
}

// configure(boot, GreenletError, stackSize, maxIdle, mirrorMainStack)
Napi::Value Configure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !info[0].IsFunction() || !info[1].IsFunction() ||
      !info[2].IsNumber() || !info[3].IsNumber() || !info[4].IsBoolean()) {
    Napi::TypeError::New(env, "configure(boot, GreenletError, stackSize, maxIdle, mirrorMainStack)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  napi_ref boot, error_class;
  napi_create_reference(env, info[0], 1, &boot);
  napi_create_reference(env, info[1], 1, &error_class);
  GetCore(env)->Configure(boot, error_class, info[2].As<Napi::Number>().Int64Value(),
                          info[3].As<Napi::Number>().Int64Value(),
                          info[4].As<Napi::Boolean>().Value());
  return env.Undefined();
}

Napi::Value Acquire(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Core* core = GetCore(env);
  if (core->tearing_down()) {
    ThrowGreenletError(env, "cannot start a greenlet while the environment is shutting down");
    return env.Undefined();
  }
  int32_t id = core->Acquire();
  if (id < 0) {
    ThrowGreenletError(
        env, std::string("cannot start a greenlet: the OS refused a new thread (") +
                 std::strerror(-id) +
                 "). Each started greenlet needs a thread until it finishes: let some "
                 "finish, raise the limits (ulimit -u and -v, kernel.threads-max, "
                 "vm.max_map_count, kernel.pid_max), or use a smaller configure({ stackSize }).");
    return env.Undefined();
  }
  return Napi::Number::New(env, id);
}

// The switch is a plain V8 function, not a napi one: napi checks after every callback
// that the env's count of open handle scopes is what it was before, and across a
// switch it is not (each running carrier holds one open scope). It takes no arguments
// and returns nothing, so it never touches FunctionCallbackInfo, whose layout differs
// between V8 versions: JavaScript passes the target and reads the outcome through the
// shared mailbox.
void RawSwitch(const void*) { Core::ForThisThread()->SwitchFromJs(); }

Napi::Value Threads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Core* core = GetCore(env);
  Napi::Object out = Napi::Object::New(env);
  out.Set("live", Napi::Number::New(env, static_cast<double>(core->live_threads())));
  out.Set("idle", Napi::Number::New(env, static_cast<double>(core->idle_threads())));
  return out;
}

// configureMonitor(sampleIntervalMicros, maxBlockingMillis, warningPrefix, internalPrefix)
Napi::Value ConfigureMonitor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsString() ||
      !info[3].IsString()) {
    Napi::TypeError::New(env, "configureMonitor(sampleIntervalMicros, maxBlockingMillis, "
                              "warningPrefix, internalPrefix)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Monitor::Settings settings;
  settings.sample_interval = std::chrono::microseconds(info[0].As<Napi::Number>().Int64Value());
  settings.max_blocking = std::chrono::milliseconds(info[1].As<Napi::Number>().Int64Value());
  settings.warning_prefix = info[2].As<Napi::String>().Utf8Value();
  GetCore(env)->ConfigureMonitor(settings, info[3].As<Napi::String>().Utf8Value());
  return env.Undefined();
}

// stackOf(carrier): the JavaScript stack of the greenlet on that carrier (running or
// parked), or null when there is none.
Napi::Value StackOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(env, "stackOf(carrier)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string stack;
  if (!GetCore(env)->StackOf(info[0].As<Napi::Number>().Int32Value(), &stack)) return env.Null();
  return Napi::String::New(env, stack);
}

Napi::Object GcWorkObject(const Napi::Env& env, const GcWork& work) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("full", Napi::Number::New(env, static_cast<double>(work.full)));
  out.Set("minor", Napi::Number::New(env, static_cast<double>(work.minor)));
  out.Set("sweeps", Napi::Number::New(env, static_cast<double>(work.sweeps)));
  out.Set("ms", Napi::Number::New(env, static_cast<double>(work.micros) / 1000));
  return out;
}

// gcStats(): collections by the thread that ran them, and the main-stack mirror (gc_guard.h).
Napi::Value GcStatsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  GcStats stats = GetCore(env)->gc_guard().stats();
  Napi::Object out = Napi::Object::New(env);
  out.Set("main", GcWorkObject(env, stats.main));
  out.Set("carriers", GcWorkObject(env, stats.carriers));
  Napi::Object mirror = Napi::Object::New(env);
  mirror.Set("on", Napi::Boolean::New(env, stats.mirror));
  mirror.Set("copies", Napi::Number::New(env, static_cast<double>(stats.mirror_copies)));
  mirror.Set("truncated", Napi::Number::New(env, static_cast<double>(stats.mirror_truncated)));
  mirror.Set("lastBytes", Napi::Number::New(env, static_cast<double>(stats.mirror_bytes)));
  mirror.Set("ms", Napi::Number::New(env, static_cast<double>(stats.mirror_nanos) / 1e6));
  out.Set("mirror", mirror);
  return out;
}

void NotifyFirstCarrierCollection(void* tsfn) {
  // From inside a collection on a carrier: queues the call, touches no V8.
  napi_call_threadsafe_function(static_cast<napi_threadsafe_function>(tsfn), nullptr,
                                napi_tsfn_nonblocking);
}

// onFirstCarrierCollection(fn): fn() runs on the main thread, from the event loop, after the
// first full collection or cppgc sweep done on a carrier. It does not keep the loop alive.
Napi::Value OnFirstCarrierCollection(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) {
    Napi::TypeError::New(env, "onFirstCarrierCollection(fn)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  // Closed with the environment, after Core::Teardown has stopped watching collections.
  napi_threadsafe_function tsfn;
  napi_status status = napi_create_threadsafe_function(
      env, info[0], nullptr, Napi::String::New(env, "tendril:gc"), 0, 1, nullptr, nullptr,
      nullptr, nullptr, &tsfn);
  if (status != napi_ok) {
    Napi::Error::New(env, "tendril: cannot watch collections (napi_create_threadsafe_function)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  napi_unref_threadsafe_function(env, tsfn);
  GetCore(env)->gc_guard().set_first_carrier_collection(NotifyFirstCarrierCollection, tsfn);
  return env.Undefined();
}

void Cleanup(void* data) { static_cast<Core*>(data)->Teardown(); }

}  // namespace
}  // namespace tendril

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace tendril;
  std::string missing = v8api::Load();
  if (!missing.empty()) {
    Napi::Error::New(env, "tendril: " + missing).ThrowAsJavaScriptException();
    return exports;
  }
  v8api::Isolate* isolate = v8api::CurrentIsolate();
  auto* core = new Core(env, isolate);
  env.SetInstanceData<Core>(core);
  napi_add_env_cleanup_hook(env, Cleanup, core);
  exports.Set("configure", Napi::Function::New(env, Configure, "configure"));
  exports.Set("acquire", Napi::Function::New(env, Acquire, "acquire"));
  napi_value raw_switch = v8api::NewFunction(isolate, RawSwitch);
  if (raw_switch == nullptr) {
    Napi::Error::New(env, "tendril: v8::Function::New failed to make the switch function")
        .ThrowAsJavaScriptException();
    return exports;
  }
  exports.Set("switchTo", Napi::Value(env, raw_switch));
  Napi::ArrayBuffer mailbox = Napi::ArrayBuffer::New(env, 3 * sizeof(int32_t));
  core->set_mailbox(static_cast<int32_t*>(mailbox.Data()));
  exports.Set("mailbox", Napi::Int32Array::New(env, 3, mailbox, 0));
  exports.Set("threads", Napi::Function::New(env, Threads, "threads"));
  exports.Set("configureMonitor", Napi::Function::New(env, ConfigureMonitor, "configureMonitor"));
  exports.Set("stackOf", Napi::Function::New(env, StackOf, "stackOf"));
  exports.Set("gcStats", Napi::Function::New(env, GcStatsJs, "gcStats"));
  exports.Set("onFirstCarrierCollection",
              Napi::Function::New(env, OnFirstCarrierCollection, "onFirstCarrierCollection"));
  exports.Set("asyncContextPerGreenlet", Napi::Boolean::New(env, v8api::HasContinuationData()));
  return exports;
}

NODE_API_MODULE(tendril, Init)
