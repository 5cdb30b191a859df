// SPDX-License-Identifier: MIT
/* overt-detach PROGRAM: runs PROGRAM as an orphan, so that it is not the tool's child.
 *
 * libovert posix_spawns this (in a new session, stdio already set up) and waits for it; it
 * forks, the child execs PROGRAM and this process exits at once. PROGRAM (overt-sender) is then
 * nobody's child but init's: no zombie in the tool, and a tool that waits for any of its
 * children after close() never waits for the sender. It links only libc, so the wait costs
 * the tool a fraction of a millisecond where overt-sender's own start-up takes several. */
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

int main(int argc, char** argv) {
    pid_t child;
    if (argc != 2) {
        fprintf(stderr, "usage: overt-detach PROGRAM (started by libovert, not by hand)\n");
        return 2;
    }
    child = fork();
    if (child < 0) return 1;
    if (child == 0) {
        char* program_argv[2];
        program_argv[0] = argv[1];
        program_argv[1] = NULL;
        execv(argv[1], program_argv);
        perror(argv[1]);
        _exit(127);
    }
    return 0;
}
