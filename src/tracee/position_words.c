#include "tracee/position_words.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "arch/regs.h"
#include "arch/tracee_mem.h"

bool position_stack_hash(pid_t tid, uint64_t rsp, uint32_t len, uint64_t *h)
{
    uint8_t *buf = malloc(len ? len : 1);
    bool ok = buf && tracee_read(tid, rsp, buf, len) == (ssize_t)len;
    if (ok) {
        uint8_t out[crypto_generichash_BYTES_MIN];
        crypto_generichash(out, sizeof out, buf, len, NULL, 0);
        memcpy(h, out, sizeof *h);
    }
    free(buf);
    return ok;
}

static bool stack_word_read(pid_t tid, uint64_t addr, uint64_t *v)
{
    regs_t r;
    return regs_get_quiet(tid, &r) &&
           position_stack_hash(tid, r.rsp, (uint32_t)(addr - EV_WORD_STACK), v);
}

/* Where the word at an EV_WORD_FP address is in fp_words_get's: -1 for a
 * part of the FXSAVE area it does not give. */
static int fp_index(uint64_t addr)
{
    uint64_t off = addr - EV_WORD_FP;
    return off % 8 || off < FP_WORDS_FROM || off >= FP_WORDS_FROM + 8 * FP_WORDS
               ? -1
               : (int)(off - FP_WORDS_FROM) / 8;
}

bool position_word_read(pid_t tid, uint64_t addr, uint64_t *v)
{
    if (EV_WORD_IS_STACK(addr))
        return stack_word_read(tid, addr, v);
    if (!EV_WORD_IS_FP(addr))
        return tracee_read(tid, EV_WORD_ADDR(addr), v, sizeof *v) == sizeof *v;
    uint64_t fp[FP_WORDS];
    int i = fp_index(addr);
    if (i < 0 || !fp_words_get(tid, fp))
        return false;
    *v = fp[i];
    return true;
}

bool position_words_match(pid_t tid, const struct ev_word *words, uint32_t n)
{
    uint64_t fp[FP_WORDS];
    bool have_fp = false;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t v, a = words[i].addr;
        if (EV_WORD_IS_STACK(a)) {
            if (!stack_word_read(tid, a, &v))
                return false;
        } else if (EV_WORD_IS_FP(a)) {
            int k = fp_index(a);
            if (k < 0 || (!have_fp && !(have_fp = fp_words_get(tid, fp))))
                return false;
            v = fp[k];
        } else if (tracee_read(tid, EV_WORD_ADDR(a), &v, sizeof v) != sizeof v) {
            return false;
        }
        if ((v & EV_WORD_MASK(a)) != (words[i].value & EV_WORD_MASK(a)))
            return false;
    }
    return true;
}
