{
  "targets": [
    {
      "target_name": "tendril",
      "sources": [
        "native/addon.cc",
        "native/core.cc",
        "native/platform_linux.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-fvisibility=hidden"],
      "conditions": [
        ["OS!='linux'", {"sources!": ["native/platform_linux.cc"]}]
      ]
    }
  ]
}
