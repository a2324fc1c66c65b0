#include "arch/insn_access.h"

#include <capstone/capstone.h>
#include <stdbool.h>

#include "arch/tracee_mem.h"
#include "tracee/soft_breakpoint.h"

int insn_access_size(pid_t tid, uint64_t rip)
{
    static csh cs;
    static bool opened;
    if (!opened) {
        if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
            return 8;
        cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
        opened = true;
    }
    uint8_t code[16];
    ssize_t n = tracee_read(tid, rip, code, sizeof code);
    if (n <= 0)
        return 8;
    soft_bp_unpatch(tid, rip, code, n);
    cs_insn *insn;
    int size = 0;
    if (cs_disasm(cs, code, n, rip, 1, &insn) == 1) {
        const cs_x86 *x = &insn->detail->x86;
        for (int i = 0; i < x->op_count; i++)
            if (x->operands[i].type == X86_OP_MEM && x->operands[i].size > size)
                size = x->operands[i].size;
        cs_free(insn, 1);
    }
    return size ? size : 8;
}
