// Process-wide SQLite settings, applied when the program is loaded.
//
// SQLite keeps memory statistics by default: every allocation and free then
// takes one global mutex to update them. The writer allocates on every row it
// binds and every page it touches, so on ingest that mutex alone cost a few
// percent. Mnemo never reads the statistics (nor sets a soft heap limit, which
// needs them), so they are turned off. sqlite3_config() is accepted only before
// SQLite initialises, hence a constructor rather than a call from Swift, and it
// is variadic, which Swift cannot call.
#include <sqlite3.h>
#include "CSQLiteConfig.h"

static int memstatus_result = -1;

__attribute__((constructor))
static void mnemo_sqlite_configure(void) {
    memstatus_result = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int mnemo_sqlite_memstatus_off_result(void) {
    return memstatus_result;
}
