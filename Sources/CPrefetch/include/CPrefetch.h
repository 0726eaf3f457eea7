#ifndef MNEMO_CPREFETCH_H
#define MNEMO_CPREFETCH_H
// A cache prefetch hint, which Swift cannot spell. Recall's spreading reaches
// thousands of nodes at random in arrays of tens of megabytes; asking for the
// next node's lines while the current one is worked on hides part of the wait.

/// Asks the CPU to start loading the cache line at `address` for writing.
/// Only a hint: any address is safe, nothing is read or faulted.
static inline void mnemo_prefetch(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
