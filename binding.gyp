{
  "targets": [
    {
      "target_name": "tendril",
      "sources": [
        "native/addon.cc",
        "native/core.cc",
        "native/core_debug.cc",
        "native/monitor.cc",
        "native/sampler.cc",
        "native/stack_trace.cc",
        "native/watchdog.cc",
        "native/gc_guard.cc",
        "native/v8_api.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++20", "-fvisibility=hidden"],
      "conditions": [
        ["OS=='win'", {
          "sources": ["native/platform_win.cc", "native/v8_abi_msvc.cc"],
          "defines": ["WIN32_LEAN_AND_MEAN", "NOMINMAX"],
          "libraries": ["Synchronization.lib"],
          "msvs_settings": {"VCCLCompilerTool": {"LanguageStandard": "stdcpp20"}}
        }, {
          "sources": ["native/platform_posix.cc", "native/v8_abi_itanium.cc"]
        }],
        ["OS=='linux'", {"sources": ["native/platform_linux.cc"]}],
        ["OS=='mac'", {
          "sources": ["native/platform_mac.cc"],
          "xcode_settings": {
            "CLANG_CXX_LANGUAGE_STANDARD": "c++20",
            "MACOSX_DEPLOYMENT_TARGET": "11.0",
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES"
          }
        }]
      ]
    }
  ]
}
