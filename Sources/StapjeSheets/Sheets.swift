/// Placeholder: the prompt sheets (issue 9) replace this file.
enum SheetsPlaceholder {}
