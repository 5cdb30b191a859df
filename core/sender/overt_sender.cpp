// SPDX-License-Identifier: MIT
// overt-sender: started by a tool's Collector::close() with exit_delivery: background, after
// the tool spilled its events; delivers them while the tool has already exited. It reads its
// instructions from stdin and is of no use run by hand (`overt flush` is that command).
#include "delivery/background_sender.hpp"

#include <unistd.h>

int main() { return overt::delivery::run_background_sender(STDIN_FILENO); }
