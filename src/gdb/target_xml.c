#include "gdb/target_xml.h"

#include <string.h>

#include "gdb/registers.h"

/* Each feature's name, and the document target.xml includes it from. */
static const struct {
    const char *name, *file;
} features[] = {
    [GDB_FEAT_CORE] = {"org.gnu.gdb.i386.core", "64bit-core.xml"},
    [GDB_FEAT_SSE] = {"org.gnu.gdb.i386.sse", "64bit-sse.xml"},
    [GDB_FEAT_LINUX] = {"org.gnu.gdb.i386.linux", "64bit-linux.xml"},
    [GDB_FEAT_SEGMENTS] = {"org.gnu.gdb.i386.segments", "64bit-segments.xml"},
    [GDB_FEAT_AVX] = {"org.gnu.gdb.i386.avx", "64bit-avx.xml"},
    [GDB_FEAT_AVX512] = {"org.gnu.gdb.i386.avx512", "64bit-avx512.xml"},
};

struct flag_bit {
    const char *name;
    int bit;
};

static void add_flags(struct strbuf *o, const char *id, const struct flag_bit *f, int n)
{
    sb_addf(o, "    <flags id=\"%s\" size=\"4\">\n", id);
    for (int i = 0; i < n; i++)
        sb_addf(o, "      <field name=\"%s\" start=\"%d\" end=\"%d\"/>\n", f[i].name,
                f[i].bit, f[i].bit);
    sb_adds(o, "    </flags>\n");
}

/* The 128-bit vector union of the sse and avx512 features. */
static void add_vec128(struct strbuf *o)
{
    static const char *const vectors[][3] = {
        {"v8bf16", "bfloat16", "8"}, {"v8h", "ieee_half", "8"},
        {"v4f", "ieee_single", "4"}, {"v2d", "ieee_double", "2"},
        {"v16i8", "int8", "16"},     {"v8i16", "int16", "8"},
        {"v4i32", "int32", "4"},     {"v2i64", "int64", "2"},
    };
    static const char *const fields[][2] = {
        {"v8_bfloat16", "v8bf16"}, {"v8_half", "v8h"},   {"v4_float", "v4f"},
        {"v2_double", "v2d"},      {"v16_int8", "v16i8"}, {"v8_int16", "v8i16"},
        {"v4_int32", "v4i32"},     {"v2_int64", "v2i64"}, {"uint128", "uint128"},
    };
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
        sb_addf(o, "    <vector id=\"%s\" type=\"%s\" count=\"%s\"/>\n", vectors[i][0],
                vectors[i][1], vectors[i][2]);
    sb_adds(o, "    <union id=\"vec128\">\n");
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        sb_addf(o, "      <field name=\"%s\" type=\"%s\"/>\n", fields[i][0], fields[i][1]);
    sb_adds(o, "    </union>\n");
}

/* Types used by the core, sse and avx512 features (the same as gdb's own
 * 64bit-core.xml, 64bit-sse.xml and 64bit-avx512.xml define). */
static void add_types(struct strbuf *o, enum gdb_feature feat)
{
    if (feat == GDB_FEAT_CORE) {
        static const struct flag_bit eflags[] = {
            {"CF", 0}, {"", 1}, {"PF", 2}, {"AF", 4}, {"ZF", 6}, {"SF", 7},
            {"TF", 8}, {"IF", 9}, {"DF", 10}, {"OF", 11}, {"NT", 14}, {"RF", 16},
            {"VM", 17}, {"AC", 18}, {"VIF", 19}, {"VIP", 20}, {"ID", 21},
        };
        add_flags(o, "i386_eflags", eflags, (int)(sizeof(eflags) / sizeof(eflags[0])));
    } else if (feat == GDB_FEAT_SSE) {
        add_vec128(o);
        static const struct flag_bit mxcsr[] = {
            {"IE", 0}, {"DE", 1}, {"ZE", 2},  {"OE", 3},  {"UE", 4},  {"PE", 5},  {"DAZ", 6},
            {"IM", 7}, {"DM", 8}, {"ZM", 9}, {"OM", 10}, {"UM", 11}, {"PM", 12}, {"FZ", 15},
        };
        add_flags(o, "i386_mxcsr", mxcsr, (int)(sizeof(mxcsr) / sizeof(mxcsr[0])));
    } else if (feat == GDB_FEAT_AVX512) {
        add_vec128(o);
        sb_adds(o, "    <vector id=\"v2ui128\" type=\"uint128\" count=\"2\"/>\n");
    }
}

void gdb_target_xml(struct strbuf *o, int level)
{
    sb_adds(o, "<?xml version=\"1.0\"?>\n"
               "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
               "<target version=\"1.0\">\n"
               "  <architecture>i386:x86-64</architecture>\n"
               "  <osabi>GNU/Linux</osabi>\n");
    int n = gdb_reg_count(level);
    for (int i = 0; i < n; i++)
        if (i == 0 || gdb_reg_table[i].feature != gdb_reg_table[i - 1].feature)
            sb_addf(o, "  <xi:include href=\"%s\"/>\n", features[gdb_reg_table[i].feature].file);
    sb_adds(o, "</target>\n");
}

bool gdb_target_feature_xml(struct strbuf *o, int level, const char *annex)
{
    int n = gdb_reg_count(level), i = 0;
    while (i < n && strcmp(features[gdb_reg_table[i].feature].file, annex))
        i++;
    if (i == n)
        return false;
    enum gdb_feature feat = gdb_reg_table[i].feature;
    sb_addf(o, "<?xml version=\"1.0\"?>\n"
               "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">\n"
               "<feature name=\"%s\">\n", features[feat].name);
    add_types(o, feat);
    for (; i < n && gdb_reg_table[i].feature == feat; i++) {
        const struct gdb_reg_info *r = &gdb_reg_table[i];
        sb_addf(o, "  <reg name=\"%s\" bitsize=\"%d\" type=\"%s\" regnum=\"%d\"", r->name,
                r->bits, r->type, i);
        if (r->group)
            sb_addf(o, " group=\"%s\"", r->group);
        sb_adds(o, "/>\n");
    }
    sb_adds(o, "</feature>\n");
    return true;
}
