/// Placeholder: the readline wrapper (issue 6) replaces this file.
enum LineEditorPlaceholder {}
