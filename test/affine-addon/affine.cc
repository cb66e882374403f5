// Test-only Node-API addon standing in for Electron's main-process APIs, which CHECK-fail
// (kill the process) when called off the UI thread. Here the failure is a thrown Error,
// so tests can prove that tendril's onMain() really runs code on the main thread.
//
//   mainThreadOnly(x) -> x on the process's main thread; throws
//                        "affine: mainThreadOnly() called off the main thread ..." elsewhere
//   threadId()        -> the calling OS thread's id (gettid)
//
// And, for the async-hooks tests, a native module calling back into JavaScript:
//
//   makeCallback(fn)  -> fn() called through napi_make_callback in an async context of
//                        its own (Node pushes a callback scope from C++ around it)
#define NAPI_VERSION 8
#include <node_api.h>

#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

long CurrentTid() { return syscall(SYS_gettid); }

napi_value MainThreadOnly(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  long tid = CurrentTid();
  long pid = static_cast<long>(getpid());
  if (tid != pid) {
    char message[160];
    snprintf(message, sizeof message,
             "affine: mainThreadOnly() called off the main thread (thread %ld, main thread %ld)",
             tid, pid);
    napi_throw_error(env, nullptr, message);
    return nullptr;
  }
  if (argc < 1) {
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    return undefined;
  }
  return argv[0];
}

napi_value ThreadId(napi_env env, napi_callback_info) {
  napi_value result;
  if (napi_create_int64(env, CurrentTid(), &result) != napi_ok) return nullptr;
  return result;
}

napi_value MakeCallback(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  napi_value name;
  napi_value global;
  napi_async_context context;
  if (napi_create_string_utf8(env, "affine.makeCallback", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_get_global(env, &global) != napi_ok ||
      napi_async_init(env, nullptr, name, &context) != napi_ok) {
    return nullptr;
  }
  napi_value result = nullptr;
  // On failure fn's exception is pending and propagates to the caller.
  napi_status status = napi_make_callback(env, context, global, argv[0], 0, nullptr, &result);
  napi_async_destroy(env, context);
  return status == napi_ok ? result : nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
      {"mainThreadOnly", nullptr, MainThreadOnly, nullptr, nullptr, nullptr, napi_enumerable,
       nullptr},
      {"threadId", nullptr, ThreadId, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"makeCallback", nullptr, MakeCallback, nullptr, nullptr, nullptr, napi_enumerable,
       nullptr},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0],
                             properties) != napi_ok) {
    return nullptr;
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
