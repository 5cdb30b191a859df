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

   private:
    class LineMasker;
    std::unique_ptr<LineMasker> out_;
    std::unique_ptr<LineMasker> err_;
};

}  // namespace overt::cli
