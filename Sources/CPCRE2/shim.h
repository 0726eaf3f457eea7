#ifndef MNEMO_CPCRE2_SHIM_H
#define MNEMO_CPCRE2_SHIM_H
// PCRE2's API is a set of macros over width-suffixed functions; Swift imports
// neither function-like macros nor computed constants, so this shim fixes the
// code-unit width at 8 (UTF-8) and exposes the few constants we need as values.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

// Functions, not `static const` values: Swift imports a constant's initialiser
// as an integer literal of the imported type, and size_t imports as Int, so
// ~(size_t)0 would not compile ("integer literal overflows"). Through a call
// the value arrives as Int with the same bits (-1).
static inline size_t mnemo_pcre2_unset(void) { return PCRE2_UNSET; }
static inline size_t mnemo_pcre2_zero_terminated(void) { return PCRE2_ZERO_TERMINATED; }
#endif
