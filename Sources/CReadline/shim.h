// GNU readline needs stdio.h first (FILE). No pkgConfig: Debian's readline.pc adds flags SwiftPM rejects.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
