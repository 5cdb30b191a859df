// SPDX-License-Identifier: MIT
#include "transport/curl/gzip.hpp"

#include <zlib.h>

#include <limits>
#include <stdexcept>

namespace overt::transport {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip wrapper instead of zlib's

std::runtime_error zlib_error(const char* what, int code, const z_stream& stream) {
    std::string text = std::string(what) + " failed (zlib " + std::to_string(code) + ")";
    if (stream.msg) text += std::string(": ") + stream.msg;
    return std::runtime_error(text);
}

}  // namespace

std::string gzip_compress(std::string_view data) {
    if (data.size() > std::numeric_limits<uInt>::max()) throw std::runtime_error("gzip: body too large");
    z_stream stream{};
    int rc = deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) throw zlib_error("deflateInit2", rc, stream);

    std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    rc = deflate(&stream, Z_FINISH);  // deflateBound guarantees a single call suffices
    if (rc != Z_STREAM_END) {
        deflateEnd(&stream);
        throw zlib_error("deflate", rc, stream);
    }
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

std::string gzip_decompress(std::string_view data) {
    z_stream stream{};
    int rc = inflateInit2(&stream, kGzipWindowBits);
    if (rc != Z_OK) throw zlib_error("inflateInit2", rc, stream);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char chunk[16384];
    do {
        stream.next_out = reinterpret_cast<Bytef*>(chunk);
        stream.avail_out = sizeof chunk;
        rc = inflate(&stream, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&stream);
            throw zlib_error("inflate", rc, stream);
        }
        out.append(chunk, sizeof chunk - stream.avail_out);
        if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
            inflateEnd(&stream);
            throw std::runtime_error("inflate: truncated gzip data");
        }
    } while (rc != Z_STREAM_END);
    inflateEnd(&stream);
    return out;
}

}  // namespace overt::transport
