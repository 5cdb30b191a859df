# SPDX-License-Identifier: MIT
"""A Python tool embedding overt through its C API with ctypes (no build step, no extension).

Usage: python3 overt_tool.py [overt.yaml]   (OVERT_LIBRARY names libovert.so if it is not on
the loader's path). Records its run and a feature, prints the status JSON.
"""
import ctypes
import json
import os
import sys
import time


class CollectorOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("config_path", ctypes.c_char_p),
                ("config_text", ctypes.c_char_p), ("config_name", ctypes.c_char_p)]


class MetadataEntry(ctypes.Structure):
    _fields_ = [("key", ctypes.c_char_p), ("value", ctypes.c_char_p)]


def load_overt(path):
    lib = ctypes.CDLL(path)
    lib.overt_collector_open.restype = ctypes.c_void_p
    lib.overt_collector_open.argtypes = [ctypes.POINTER(CollectorOptions)]
    lib.overt_collector_track.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                          ctypes.POINTER(MetadataEntry), ctypes.c_size_t]
    lib.overt_collector_track_command.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int64, ctypes.c_int32]
    # A char* overt allocates: kept as a pointer so it can be given back to overt_string_free.
    lib.overt_collector_status_json.restype = ctypes.c_void_p
    lib.overt_collector_status_json.argtypes = [ctypes.c_void_p]
    lib.overt_string_free.argtypes = [ctypes.c_void_p]
    lib.overt_collector_close.argtypes = [ctypes.c_void_p]
    lib.overt_last_error.restype = ctypes.c_char_p
    return lib


def main():
    start = time.monotonic()
    overt = load_overt(os.environ.get("OVERT_LIBRARY", "libovert.so.0"))
    config = (sys.argv[1] if len(sys.argv) > 1 else "overt.yaml").encode()
    options = CollectorOptions(ctypes.sizeof(CollectorOptions), config, None, None)
    telemetry = overt.overt_collector_open(ctypes.byref(options))
    if not telemetry:
        print("telemetry off:", overt.overt_last_error().decode(), file=sys.stderr)

    entry = MetadataEntry(b"format", b"csv")
    overt.overt_collector_track(telemetry, b"feature.used", b"export", ctypes.byref(entry), 1)
    # ... the tool's real work ...
    overt.overt_collector_track_command(telemetry, b"python-tool run", int((time.monotonic() - start) * 1000), 0)

    status = overt.overt_collector_status_json(telemetry)
    if status:
        print(json.dumps(json.loads(ctypes.string_at(status).decode())))
        overt.overt_string_free(status)
    if overt.overt_collector_close(telemetry) != 0:
        print(overt.overt_last_error().decode(), file=sys.stderr)


if __name__ == "__main__":
    main()
