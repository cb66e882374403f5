{
  "targets": [
    {
      "target_name": "affine",
      "sources": ["affine.cc"]
    }
  ]
}
