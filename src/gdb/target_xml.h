/* The target description gdb reads with qXfer:features:read:target.xml:
 * amd64, GNU/Linux, and an xi:include of one document per feature, read
 * with qXfer:features:read:<name> (gdbserver's and rr's form: Delve
 * finds registers only there or directly under <target>). */
#pragma once
#include <stdbool.h>

#include "gdb/strbuf.h"

/* Appends target.xml; the org.gnu.gdb.i386.avx feature (ymm0h-ymm15h)
 * only with has_avx.  Register numbers follow registers.h. */
void gdb_target_xml(struct strbuf *out, int level);
/* Appends the included document named annex ("64bit-core.xml", ...);
 * false when the level has no such feature. */
bool gdb_target_feature_xml(struct strbuf *out, int level, const char *annex);
