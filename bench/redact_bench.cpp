// SPDX-License-Identifier: MIT
// Redaction time against input size: 1, 2, 4 and 8 MB of token-shaped text (every few bytes a
// match: provider tokens, key=value secrets, e-mails, addresses, long tokens, URL credentials)
// and of ordinary text with no match. Linear means the time per MB stays flat.
#include <overt/redact.hpp>

#include <benchmark/benchmark.h>

#include <string>

namespace {

std::string repeat_to_size(const std::string& unit, size_t size) {
    std::string text;
    text.reserve(size + unit.size());
    while (text.size() < size) text += unit;
    text.resize(size);
    return text;
}

const std::string kTokenShaped =
    "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5 token=Zq8Xw7Vu6Ts5 bob@example.com 10.0.0.1 "
    "Kx9Lm8Nn7Oo6Pp5Qq4Rr3Ss2Tt1Uu0Vv9Ww8Xx7Yy6Zz5 https://u:pw@host/x AKIAIOSFODNN7EXAMPLE ";
const std::string kOrdinary =
    "generate --name myapp --verbose ./out/file.txt (exit 1): missing template at src/main.cpp:42 v1.2.3 ";

void BM_RedactTokenShaped(benchmark::State& state) {
    const std::string text = repeat_to_size(kTokenShaped, static_cast<size_t>(state.range(0)) << 20);
    for (auto _ : state) benchmark::DoNotOptimize(overt::redact(text));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}

void BM_RedactOrdinary(benchmark::State& state) {
    const std::string text = repeat_to_size(kOrdinary, static_cast<size_t>(state.range(0)) << 20);
    for (auto _ : state) benchmark::DoNotOptimize(overt::redact(text));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}

}  // namespace

BENCHMARK(BM_RedactTokenShaped)->Arg(1)->Arg(2)->Arg(4)->Arg(8)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RedactOrdinary)->Arg(1)->Arg(2)->Arg(4)->Arg(8)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
