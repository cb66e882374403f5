// The Node-API surface of the switching core. The greenlet semantics live in
// src/main/greenlet.ts; this file only moves the V8 lock between threads.
#define NAPI_VERSION 8
#include <napi.h>

#include <cstring>
#include <string>

#include "core.h"
#include "platform.h"

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

// configure(boot, GreenletError, stackSize, maxIdle)
Napi::Value Configure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsFunction() || !info[1].IsFunction() ||
      !info[2].IsNumber() || !info[3].IsNumber()) {
    Napi::TypeError::New(env, "configure(boot, GreenletError, stackSize, maxIdle)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  napi_ref boot, error_class;
  napi_create_reference(env, info[0], 1, &boot);
  napi_create_reference(env, info[1], 1, &error_class);
  GetCore(env)->Configure(boot, error_class, info[2].As<Napi::Number>().Int64Value(),
                          info[3].As<Napi::Number>().Int64Value());
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
void RawSwitch(const v8::FunctionCallbackInfo<v8::Value>&) { Core::ForThisThread()->SwitchFromJs(); }

// v8::Function::New is resolved at load time: its data parameter is Local<Value> up to
// V8 13 and Local<Data> from V8 14 (Node 26), one pointer either way, but the two
// spellings mangle differently and a binary links against one.
using FunctionNew = v8::MaybeLocal<v8::Function> (*)(v8::Local<v8::Context>, v8::FunctionCallback,
                                                     void* data, int length,
                                                     v8::ConstructorBehavior,
                                                     v8::SideEffectType);
constexpr const char* kFunctionNewSymbols[] = {
    "_ZN2v88Function3NewENS_5LocalINS_7ContextEEEPFvRKNS_20FunctionCallbackInfoINS_5ValueEEEENS1_IS5_EEiNS_19ConstructorBehaviorENS_14SideEffectTypeE",
    "_ZN2v88Function3NewENS_5LocalINS_7ContextEEEPFvRKNS_20FunctionCallbackInfoINS_5ValueEEEENS1_INS_4DataEEEiNS_19ConstructorBehaviorENS_14SideEffectTypeE",
};

napi_value NewRawSwitch(v8::Isolate* isolate) {
  for (const char* symbol : kFunctionNewSymbols) {
    auto function_new = reinterpret_cast<FunctionNew>(os::FindHostSymbol(symbol));
    if (function_new == nullptr) continue;
    v8::Local<v8::Function> fn;
    if (!function_new(isolate->GetCurrentContext(), RawSwitch, nullptr, 0,
                      v8::ConstructorBehavior::kThrow, v8::SideEffectType::kHasSideEffect)
             .ToLocal(&fn)) {
      return nullptr;
    }
    // A napi_value is the address of a V8 handle slot, as v8::Local holds it.
    return reinterpret_cast<napi_value>(*fn);
  }
  return nullptr;
}

Napi::Value Threads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Core* core = GetCore(env);
  Napi::Object out = Napi::Object::New(env);
  out.Set("live", Napi::Number::New(env, static_cast<double>(core->live_threads())));
  out.Set("idle", Napi::Number::New(env, static_cast<double>(core->idle_threads())));
  return out;
}

void Cleanup(void* data) { static_cast<Core*>(data)->Teardown(); }

}  // namespace
}  // namespace tendril

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace tendril;
  auto* core = new Core(env, v8::Isolate::GetCurrent());
  env.SetInstanceData<Core>(core);
  napi_add_env_cleanup_hook(env, Cleanup, core);
  exports.Set("configure", Napi::Function::New(env, Configure, "configure"));
  exports.Set("acquire", Napi::Function::New(env, Acquire, "acquire"));
  napi_value raw_switch = NewRawSwitch(v8::Isolate::GetCurrent());
  if (raw_switch == nullptr) {
    Napi::Error::New(env, "tendril: this runtime exports no usable v8::Function::New")
        .ThrowAsJavaScriptException();
    return exports;
  }
  exports.Set("switchTo", Napi::Value(env, raw_switch));
  Napi::ArrayBuffer mailbox = Napi::ArrayBuffer::New(env, 2 * sizeof(int32_t));
  core->set_mailbox(static_cast<int32_t*>(mailbox.Data()));
  exports.Set("mailbox", Napi::Int32Array::New(env, 2, mailbox, 0));
  exports.Set("threads", Napi::Function::New(env, Threads, "threads"));
  return exports;
}

NODE_API_MODULE(tendril, Init)
