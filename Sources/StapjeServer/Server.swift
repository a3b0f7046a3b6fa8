/// Placeholder: the TCP server (issue 7) replaces this file.
enum ServerPlaceholder {}
