// SPDX-License-Identifier: GPL-2.0-only
/* fcopy_utf16_lib.c: builds lib/utf16.c (the file names' conversion) into hvis_fcopy. */
#include "../../lib/utf16.c"
