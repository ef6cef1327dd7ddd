{
  "targets": [
    {
      "target_name": "veche_native",
      "sources": ["veche_native.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "include_dirs": ["<!@(pkg-config --cflags-only-I libsodium | sed s/-I//g)"],
      "libraries": ["<!@(pkg-config --variable=libdir libsodium)/libsodium.a"],
      "ldflags": ["-Wl,--exclude-libs,ALL"]
    }
  ]
}
