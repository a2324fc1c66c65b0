#include "gdb/xfer.h"

#include "gdb/hex.h"
#include "gdb/packet.h"

#include <string.h>

bool xfer_parse_read(const char *s, struct xfer_request *out)
{
    const char *colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : 0;
    if (!colon || n == 0 || n >= sizeof(out->object))
        return false;
    memcpy(out->object, s, n);
    out->object[n] = '\0';
    s = colon + 1;
    if (strncmp(s, "read:", 5))
        return false;
    s += 5;
    colon = strchr(s, ':');
    n = colon ? (size_t)(colon - s) : 0;
    if (!colon || n >= sizeof(out->annex))
        return false;
    memcpy(out->annex, s, n);
    out->annex[n] = '\0';
    s = colon + 1;
    if (!(s = hex_u64(s, &out->offset)) || *s++ != ',')
        return false;
    return hex_u64_all(s, &out->length);
}

void xfer_reply(struct strbuf *reply, const void *data, size_t size, uint64_t offset,
                uint64_t length)
{
    if (offset > size) {
        sb_adds(reply, "E01");
        return;
    }
    size_t avail = size - (size_t)offset;
    size_t want = length < avail ? (size_t)length : avail;
    if (want == 0) {
        sb_adds(reply, avail ? "m" : "l");
        return;
    }
    /* The prefix depends on whether the chunk reaches the end, which
     * depends on how much escaping lets fit: encode, then fix it. */
    sb_addc(reply, 'l');
    size_t prefix_at = reply->len - 1;
    size_t done = pkt_add_binary(reply, (const char *)data + offset, want, GDB_PACKET_SIZE - 64);
    if (done < avail)
        reply->p[prefix_at] = 'm';
}
