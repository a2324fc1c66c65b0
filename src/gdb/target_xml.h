/* The target description gdb reads with qXfer:features:read:target.xml:
 * amd64, GNU/Linux, every feature inline in one document. */
#pragma once
#include <stdbool.h>

#include "gdb/strbuf.h"

/* Appends target.xml; the org.gnu.gdb.i386.avx feature (ymm0h-ymm15h)
 * only with has_avx.  Register numbers follow registers.h. */
void gdb_target_xml(struct strbuf *out, int level);
