#ifndef CSQLITECONFIG_H
#define CSQLITECONFIG_H

/// SQLite's result code for turning its memory statistics off, which this
/// library does when it is loaded (before any connection opens, the only time
/// SQLite accepts it). 0 means they are off.
int mnemo_sqlite_memstatus_off_result(void);

#endif
