/// Placeholder: the kiosk REPL (issue 6) replaces this file.
enum TerminalPlaceholder {}
