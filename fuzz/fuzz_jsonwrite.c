/*
 * fuzz_jsonwrite.c - builds a cJSON tree from the input, prints it with
 * cJSON_PrintUnformatted and with tg_jsonwrite_print (analyzer/jsonwrite.c),
 * and requires the same bytes, or both to refuse.
 *
 * Input layout:
 *   byte 0  buffer capacity: 0xff one more than the text's length, else
 *           3 times the byte (0 included: no buffer); the buffer is
 *           allocated at exactly that size
 *   rest    operations, one byte each, some followed by a text as a
 *           1-byte length and that many bytes (a NUL in it ends the C
 *           string early). The low 3 bits choose:
 *             0 string (bit 6: its valuestring NULL)   1 raw text
 *             2 true, or false with bit 3              3 null
 *             4 number, from the next 8 bytes as a double
 *             5 open an array   6 open an object   7 close a container
 *           An item added to an object first takes a key text (bit 7: the
 *           key then freed, NULL). The root is an array; containers nest
 *           at most MAX_DEPTH deep (past TG_JSONWRITE_DEPTH, where cJSON
 *           takes over).
 *
 * Checks: the length returned without a buffer is the text's length (or
 * TG_JSONWRITE_FAIL when cJSON fails); with the buffer the same length,
 * nothing written past it (ASan), and the text and its NUL when it fits.
 */
#include "../analyzer/jsonwrite.h"
#include "../dissectors/reader.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 48

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool ok)
{
    if (!ok)
        abort();
}

/* A length-prefixed text into s (at least 256 bytes), NUL-terminated. */
static const char *text(struct tg_rd *r, char *s)
{
    struct tg_rd v = tg_rd_vec8(r);
    struct tg_view b = tg_rd_rest(&v);
    if (b.len)
        memcpy(s, b.p, b.len);
    s[b.len] = 0;
    return s;
}

static double number(struct tg_rd *r)
{
    struct tg_view b = tg_rd_bytes(r, sizeof(double));
    double d = 0;
    if (b.len)
        memcpy(&d, b.p, sizeof d);
    return d;
}

static cJSON *item(struct tg_rd *r, uint8_t op)
{
    char s[256];
    switch (op & 7) {
    case 0: {
        cJSON *v = cJSON_CreateString(text(r, s));
        if (v && (op & 0x40)) {
            cJSON_free(v->valuestring);
            v->valuestring = NULL;
        }
        return v;
    }
    case 1:
        return cJSON_CreateRaw(text(r, s));
    case 2:
        return cJSON_CreateBool(!(op & 8));
    case 3:
        return cJSON_CreateNull();
    case 4:
        return cJSON_CreateNumber(number(r));
    case 5:
        return cJSON_CreateArray();
    default:
        return cJSON_CreateObject();
    }
}

/* Adds v to the container c (an object takes a key from the input first). */
static void add(struct tg_rd *r, cJSON *c, cJSON *v, uint8_t op)
{
    if (!cJSON_IsObject(c)) {
        cJSON_AddItemToArray(c, v);
        return;
    }
    char s[256];
    cJSON_AddItemToObject(c, text(r, s), v);
    if (op & 0x80) {
        cJSON_free(v->string);
        v->string = NULL;
    }
}

static cJSON *build(struct tg_rd *r)
{
    cJSON *stack[MAX_DEPTH];
    int depth = 0;
    stack[0] = cJSON_CreateArray();
    if (!stack[0])
        return NULL;
    while (tg_rd_left(r) > 0) {
        uint8_t op = tg_rd_u8(r);
        if ((op & 7) == 7) {
            depth -= depth > 0;
            continue;
        }
        cJSON *v = item(r, op);
        if (!v)
            continue;
        add(r, stack[depth], v, op);
        if ((op & 7) >= 5 && depth + 1 < MAX_DEPTH)
            stack[++depth] = v;
    }
    return stack[0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tg_rd r = tg_rd_make(data, size);
    uint8_t hint = tg_rd_u8(&r);
    cJSON *root = build(&r);
    if (!root)
        return 0;
    char *want = cJSON_PrintUnformatted(root);
    size_t n = tg_jsonwrite_print(root, NULL, 0);
    size_t len = want ? strlen(want) : TG_JSONWRITE_FAIL;
    require(n == len);
    size_t cap = hint == 0xff ? (want ? len + 1 : 64) : (size_t)hint * 3;
    char *buf = malloc(cap ? cap : 1);
    require(buf != NULL);
    require(tg_jsonwrite_print(root, buf, cap) == n);
    if (want && n < cap)
        require(memcmp(buf, want, n + 1) == 0);
    free(buf);
    cJSON_free(want);
    cJSON_Delete(root);
    return 0;
}
