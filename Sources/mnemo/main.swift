// The Mnemo client: `mnemo` (REPL, batch, -c) and, later, its subcommands.
// Top-level code rather than @main: the target has several files.
Mnemo.main()
