/*
 * test_report.c - unit tests of what analyzer/report.c writes from a
 * session: records are built from handshake messages fed to the framing,
 * written to a temporary file and read back with cJSON.
 *
 *   - every extension type of a hello is listed, past the dissectors'
 *     arrays (64 ClientHello, 32 ServerHello), and a cap reached is an
 *     error (too_many_extensions, too_many_key_shares), not
 *     malformed_extension;
 *   - a DHE ServerKeyExchange with an RFC 7919 prime gives `group`
 *     (ffdhe2048), another prime none.
 *
 * Messages are written here from RFC 5246 7.4.1.2, 7.4.1.3 and 7.4.3; the
 * ffdhe2048 prime is RFC 7919 appendix A.1.
 */
#include "../../analyzer/report.h"
#include "../../analyzer/session.h"
#include "testkit.h"

#include <cjson/cJSON.h>
#include <unistd.h>

/* RFC 7919 A.1, ffdhe2048's p. */
static const char FFDHE2048_HEX[] = "ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d36"
                                    "95a9e13641146433fbcc939dce249b3ef9"
                                    "7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066e"
                                    "d0856365553ded1af3b557135e7f57c935"
                                    "984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a79"
                                    "7abc0ab182b324fb61d108a94bb2c8e3fb"
                                    "b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d"
                                    "709e02fce1cdf7e2ecc03404cd28342f61"
                                    "9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec220"
                                    "05c58ef1837d1683b2c6f34a26c1b2effa"
                                    "886b423861285c97ffffffffffffffff";

#define SUITE_DHE_RSA_AES_128_GCM_SHA256 0x009e

/* Bytes of a message being written (4 KiB at most). */
struct buf {
    uint8_t b[4096];
    size_t n;
};

static void put(struct buf *o, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--) {
        if (o->n >= sizeof o->b)
            abort();
        o->b[o->n++] = (uint8_t)(v >> (8 * i));
    }
}

static void put_hex(struct buf *o, const char *hex)
{
    size_t len;
    uint8_t *b = from_hex(hex, &len);
    for (size_t i = 0; i < len; i++)
        put(o, b[i], 1);
    free(b);
}

/* Patches a big-endian length of `bytes` at `at`: what follows it. */
static void patch_len(struct buf *o, size_t at, int bytes)
{
    size_t v = o->n - at - (size_t)bytes;
    for (int i = 0; i < bytes; i++)
        o->b[at + (size_t)i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

/* Frames a handshake message of type `type` (body in `body`) as one record
 * and feeds it from side `dir`. */
static void feed_handshake(struct tg_session *s, int dir, uint8_t type, const struct buf *body)
{
    struct buf rec = {.n = 0};
    put(&rec, 0x16, 1);
    put(&rec, 0x0303, 2);
    put(&rec, body->n + 4, 2);
    put(&rec, type, 1);
    put(&rec, body->n, 3);
    for (size_t i = 0; i < body->n; i++)
        put(&rec, body->b[i], 1);
    uint8_t *exact = malloc(rec.n); /* exactly its size, for ASan */
    if (!exact)
        abort();
    memcpy(exact, rec.b, rec.n);
    tg_tls_feed(s, dir, view_of(exact, rec.n), 1000);
    free(exact);
}

/* ClientHello with n_ext empty extensions 0x1000.. and a key_share of
 * n_shares one-byte shares. */
static void client_hello(struct tg_session *s, int n_ext, int n_shares)
{
    struct buf o = {.n = 0};
    put(&o, 0x0303, 2);
    for (int i = 0; i < 32; i++)
        put(&o, 0x11, 1);
    put_hex(&o, "00 0002 009e 01 00");
    size_t block = o.n;
    put(&o, 0, 2);
    for (int i = 0; i < n_ext; i++)
        put(&o, (uint64_t)(0x1000u + (unsigned)i) << 16, 4); /* type, empty body */
    put(&o, 51, 2);                                          /* key_share */
    size_t ext = o.n;
    put(&o, 0, 2);
    size_t list = o.n;
    put(&o, 0, 2);
    for (int i = 0; i < n_shares; i++) {
        put(&o, 0x0100u + (unsigned)i, 2);
        put_hex(&o, "0001 aa");
    }
    patch_len(&o, list, 2);
    patch_len(&o, ext, 2);
    patch_len(&o, block, 2);
    feed_handshake(s, 0, 1, &o);
}

static void server_hello(struct tg_session *s, int n_ext)
{
    struct buf o = {.n = 0};
    put(&o, 0x0303, 2);
    for (int i = 0; i < 32; i++)
        put(&o, 0x22, 1);
    put(&o, 0, 1);
    put(&o, SUITE_DHE_RSA_AES_128_GCM_SHA256, 2);
    put(&o, 0, 1);
    size_t block = o.n;
    put(&o, 0, 2);
    for (int i = 0; i < n_ext; i++)
        put(&o, (uint64_t)(0x2000u + (unsigned)i) << 16, 4);
    patch_len(&o, block, 2);
    feed_handshake(s, 1, 2, &o);
}

/* DHE ServerKeyExchange with prime p (hex), g = 2, a 1-byte Ys, signed. */
static void server_key_exchange(struct tg_session *s, const char *p_hex)
{
    struct buf o = {.n = 0};
    size_t at = o.n;
    put(&o, 0, 2);
    put_hex(&o, p_hex);
    patch_len(&o, at, 2);
    put_hex(&o, "0001 02 0001 05 0401 0002 abcd");
    feed_handshake(s, 1, 12, &o);
}

/* A ClientHello offering the suites 0..n-1 and no extensions block. */
static void client_hello_suites(struct tg_session *s, int n)
{
    struct buf o = {.n = 0};
    put(&o, 0x0303, 2);
    for (int i = 0; i < 32; i++)
        put(&o, 0x11, 1);
    put(&o, 0, 1);
    put(&o, (uint64_t)n * 2, 2);
    for (int i = 0; i < n; i++)
        put(&o, (uint64_t)i, 2);
    put_hex(&o, "01 00");
    feed_handshake(s, 0, 1, &o);
}

static cJSON *record_written(struct tg_session *s, bool pretty);

/* The one record written for the session, parsed. */
static cJSON *record_of(struct tg_session *s)
{
    return record_written(s, false);
}

static cJSON *record_written(struct tg_session *s, bool pretty)
{
    char path[] = "/tmp/tg_test_report_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    close(fd);
    struct tg_report r;
    if (tg_report_open(&r, path, pretty) != TG_OK)
        abort();
    static struct tg_flow f;
    memset(&f, 0, sizeof f);
    f.ip_version = 4;
    f.port[0] = 40000;
    f.port[1] = 443;
    f.sess = s;
    tg_report_session(&r, &f, false);
    if (tg_report_close(&r) != TG_OK)
        abort();
    FILE *in = fopen(path, "r");
    static char text[1 << 17]; /* the whole file: a --pretty record spans lines */
    size_t n = in ? fread(text, 1, sizeof text - 1, in) : 0;
    text[n] = '\0';
    if (in)
        (void)fclose(in); /* opened for reading: nothing is lost */
    unlink(path);
    return n ? cJSON_Parse(text) : NULL;
}

static cJSON *at(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

static bool has_string(const cJSON *array, const char *s)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, array)
    {
        if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
            return true;
    }
    return false;
}

/* The array holds n integers from..from+n-1 in order (plus `extra` at the end). */
static bool counts_up(const cJSON *array, int from, int n, int extra)
{
    if (cJSON_GetArraySize(array) != n + (extra >= 0))
        return false;
    for (int i = 0; i < n; i++)
        if (cJSON_GetArrayItem(array, i)->valueint != from + i)
            return false;
    return extra < 0 || cJSON_GetArrayItem(array, n)->valueint == extra;
}

static void test_extensions_past_the_caps(void)
{
    printf("70 ClientHello extensions, 17 key shares, 34 ServerHello extensions\n");
    struct tg_session *s = tg_session_new();
    client_hello(s, 70, 17);
    server_hello(s, 34);
    cJSON *rec = record_of(s);
    CHECK(rec != NULL);
    const cJSON *ch = at(rec, "client_hello"), *sh = at(rec, "server_hello");
    CHECK(counts_up(at(ch, "extensions"), 0x1000, 70, 51));
    CHECK(counts_up(at(sh, "extensions"), 0x2000, 34, -1));
    CHECK_EQ(cJSON_GetArraySize(at(ch, "key_share_groups")), TG_CH_MAX_KEY_SHARES);
    const cJSON *errors = at(rec, "errors");
    CHECK(has_string(errors, "too_many_extensions"));
    CHECK(has_string(errors, "too_many_key_shares"));
    CHECK(!has_string(errors, "malformed_extension"));
    cJSON_Delete(rec);
    tg_session_free(s);

    printf("a hello within the caps: the same lists, no error\n");
    s = tg_session_new();
    client_hello(s, 3, 2);
    server_hello(s, 2);
    rec = record_of(s);
    CHECK(counts_up(at(at(rec, "client_hello"), "extensions"), 0x1000, 3, 51));
    CHECK(counts_up(at(at(rec, "server_hello"), "extensions"), 0x2000, 2, -1));
    CHECK_EQ(cJSON_GetArraySize(at(rec, "errors")), 0);
    cJSON_Delete(rec);
    tg_session_free(s);
}

static void test_ffdhe_group(void)
{
    printf("DHE with RFC 7919 ffdhe2048, and with another prime\n");
    struct tg_session *s = tg_session_new();
    client_hello(s, 1, 1);
    server_hello(s, 0);
    server_key_exchange(s, FFDHE2048_HEX);
    cJSON *rec = record_of(s);
    const cJSON *ske = at(rec, "server_key_exchange");
    CHECK(cJSON_IsString(at(rec, "group")) &&
          strcmp(at(rec, "group")->valuestring, "ffdhe2048") == 0);
    CHECK(cJSON_IsString(at(ske, "group")) &&
          strcmp(at(ske, "group")->valuestring, "ffdhe2048") == 0);
    CHECK(at(ske, "dh_bits") && at(ske, "dh_bits")->valueint == 2048);
    cJSON_Delete(rec);
    tg_session_free(s);

    char other[sizeof FFDHE2048_HEX];
    memcpy(other, FFDHE2048_HEX, sizeof other);
    other[100] = other[100] == '0' ? '1' : '0';
    s = tg_session_new();
    client_hello(s, 1, 1);
    server_hello(s, 0);
    server_key_exchange(s, other);
    rec = record_of(s);
    CHECK(at(rec, "server_key_exchange") != NULL);
    CHECK(at(rec, "group") == NULL && at(at(rec, "server_key_exchange"), "group") == NULL);
    cJSON_Delete(rec);
    tg_session_free(s);
}

static void test_long_list(void)
{
    printf("1,500 cipher suites: the whole list, in order, compact and --pretty\n");
    for (int pretty = 0; pretty < 2; pretty++) {
        struct tg_session *s = tg_session_new();
        client_hello_suites(s, 1500);
        cJSON *rec = record_written(s, pretty);
        CHECK(rec != NULL);
        CHECK_MSG(counts_up(at(at(rec, "client_hello"), "cipher_suites"), 0, 1500, -1), "pretty %d",
                  pretty);
        cJSON_Delete(rec);
        tg_session_free(s);
    }
}

int main(void)
{
    test_extensions_past_the_caps();
    test_ffdhe_group();
    test_long_list();
    return testkit_finish();
}
