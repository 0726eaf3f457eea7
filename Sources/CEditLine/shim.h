#ifndef MNEMO_CEDITLINE_SHIM_H
#define MNEMO_CEDITLINE_SHIM_H
// libedit (BSD editline) through its readline-compatible API: readline,
// add_history, read_history / write_history, rl_attempted_completion_function
// and rl_completion_matches. The same header exists on macOS (<editline/readline.h>
// in the SDK) and on Debian/Ubuntu (libedit-dev).
#include <stdio.h>
#include <editline/readline.h>

// Setters for libedit's global variables: Swift 6 refuses to touch imported
// mutable globals directly (they are not concurrency-safe); the REPL sets them
// from its one thread.
static inline void mnemo_rl_set_attempted_completion(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}
static inline void mnemo_rl_set_attempted_completion_over(int over) {
    rl_attempted_completion_over = over;
}
#endif
