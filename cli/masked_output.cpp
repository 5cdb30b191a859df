// SPDX-License-Identifier: MIT
#include "masked_output.hpp"

#include "support/mask_secrets.hpp"

#include <iostream>
#include <streambuf>
#include <string>

namespace overt::cli {

// Collects a line, masks it, and hands it to the real stream buffer. A line longer than
// kMaxPending is masked and written in pieces rather than held without bound.
class MaskedOutput::LineMasker final : public std::streambuf {
   public:
    explicit LineMasker(std::ostream& stream) : stream_(stream), target_(stream.rdbuf(this)) {}
    std::streambuf* target() const { return target_; }
    ~LineMasker() override {
        emit();
        target_->pubsync();
        stream_.rdbuf(target_);
    }

   protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        pending_ += traits_type::to_char_type(c);
        if (c == '\n' || pending_.size() >= kMaxPending) emit();
        return c;
    }
    std::streamsize xsputn(const char* text, std::streamsize count) override {
        pending_.append(text, static_cast<size_t>(count));
        if (pending_.find('\n') != std::string::npos || pending_.size() >= kMaxPending) emit_lines();
        return count;
    }
    int sync() override {
        emit();
        return target_->pubsync();
    }

   private:
    static constexpr size_t kMaxPending = 64 * 1024;

    void emit() {
        if (pending_.empty()) return;
        const std::string masked = support::mask_secrets(pending_);
        target_->sputn(masked.data(), static_cast<std::streamsize>(masked.size()));
        pending_.clear();
    }
    // Whole lines now, the unfinished rest when the next piece completes it.
    void emit_lines() {
        const size_t last_newline = pending_.rfind('\n');
        if (last_newline == std::string::npos || pending_.size() >= kMaxPending) return emit();
        const std::string masked = support::mask_secrets(std::string_view(pending_).substr(0, last_newline + 1));
        target_->sputn(masked.data(), static_cast<std::streamsize>(masked.size()));
        pending_.erase(0, last_newline + 1);
    }

    std::ostream& stream_;
    std::streambuf* target_;
    std::string pending_;
};

namespace {
std::streambuf* unmasked_stdout_buffer = nullptr;
}  // namespace

MaskedOutput::MaskedOutput()
    : out_(std::make_unique<LineMasker>(std::cout)), err_(std::make_unique<LineMasker>(std::cerr)) {
    unmasked_stdout_buffer = out_->target();
}

MaskedOutput::~MaskedOutput() { unmasked_stdout_buffer = nullptr; }

std::ostream& MaskedOutput::unmasked_stdout() {
    // Whatever is pending on std::cout goes first, so the order on stdout is kept.
    std::cout.flush();
    static std::ostream stream(nullptr);
    stream.rdbuf(unmasked_stdout_buffer ? unmasked_stdout_buffer : std::cout.rdbuf());
    return stream;
}

}  // namespace overt::cli
