#ifndef MNEMO_CPCRE2_SHIM_H
#define MNEMO_CPCRE2_SHIM_H
// PCRE2's API is a set of macros over width-suffixed functions; Swift imports
// neither function-like macros nor computed constants, so this shim fixes the
// code-unit width at 8 (UTF-8) and exposes the few constants we need as values.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static const size_t mnemo_pcre2_unset = PCRE2_UNSET;
static const size_t mnemo_pcre2_zero_terminated = PCRE2_ZERO_TERMINATED;
#endif
