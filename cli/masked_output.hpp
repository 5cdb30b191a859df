// SPDX-License-Identifier: MIT
// Everything the overt command writes to stdout and stderr goes through the secret masker
// line by line, so no subcommand can print a credential or a ${VAR} value by mistake.
#pragma once

#include <iosfwd>
#include <memory>

namespace overt::cli {

// Masks std::cout and std::cerr while it lives; writes out what is pending and puts the
// streams back when destroyed.
class MaskedOutput {
   public:
    MaskedOutput();
    ~MaskedOutput();
    MaskedOutput(const MaskedOutput&) = delete;
    MaskedOutput& operator=(const MaskedOutput&) = delete;

    // stdout as it is, for data that must reach the user exactly (`overt inspect` shows the
    // events as the backends get them; they were redacted before they were buffered).
    static std::ostream& unmasked_stdout();

   private:
    class LineMasker;
    std::unique_ptr<LineMasker> out_;
    std::unique_ptr<LineMasker> err_;
};

}  // namespace overt::cli
