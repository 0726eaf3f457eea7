/* Lets valgrind 3.19 run mnemod: it writes into the signal mask given to
   rt_sigsuspend, and libdispatch's main thread passes one in read-only
   memory, so the daemon crashed at start under valgrind. This hands the
   kernel a copy. Built and preloaded by answer-callgrind.py. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, 8);
}
