// CPrefetch is header-only (a static inline function); SwiftPM wants a source file.
#include "CPrefetch.h"
