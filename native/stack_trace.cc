#include "stack_trace.h"

#include <vector>

namespace tendril {

namespace {
// Deeper stacks are cut: the innermost frames are the ones that say where it is.
constexpr int kMaxFrames = 64;

std::string Utf8(napi_env env, v8api::Handle handle) {
  if (handle == nullptr) return {};
  auto value = static_cast<napi_value>(handle);
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, nullptr, 0, &length) != napi_ok) return {};
  std::vector<char> buffer(length + 1);
  if (napi_get_value_string_utf8(env, value, buffer.data(), buffer.size(), &length) != napi_ok) {
    return {};
  }
  return std::string(buffer.data(), length);
}
}  // namespace

std::string CaptureStack(napi_env env, v8api::Isolate* isolate,
                         const std::string& internal_prefix) {
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return {};
  struct Line {
    bool internal;
    std::string text;
  };
  std::vector<Line> lines;
  v8api::Handle trace = v8api::CurrentStackTrace(isolate, kMaxFrames);
  const int count = trace == nullptr ? 0 : v8api::StackTraceFrameCount(trace);
  for (int i = 0; i < count; i++) {
    v8api::StackFrame frame = v8api::StackTraceFrame(isolate, trace, static_cast<uint32_t>(i));
    std::string function = Utf8(env, frame.function_name);
    std::string script = Utf8(env, frame.script_name);
    std::string where = script.empty() ? "<anonymous>"
                                       : script + ":" + std::to_string(frame.line) + ":" +
                                             std::to_string(frame.column);
    bool internal = !internal_prefix.empty() && script.compare(0, internal_prefix.size(),
                                                               internal_prefix) == 0;
    lines.push_back({internal, "    at " + (function.empty() ? where : function + " (" + where + ")") +
                                   "\n"});
  }
  napi_close_handle_scope(env, scope);
  size_t first = 0;
  size_t end = lines.size();
  while (first < end && lines[first].internal) first++;
  while (end > first && lines[end - 1].internal) end--;
  std::string out;
  for (size_t i = first; i < end; i++) out += lines[i].text;
  return out;
}

}  // namespace tendril
