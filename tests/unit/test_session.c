/*
 * test_session.c - unit tests of analyzer/session.c with analyzer/tlsframe.c:
 * the handshake's progress and the `messages` list, from record bytes fed
 * to the framing as one view and again one byte per view.
 *
 *   - a client that offered TLS 1.3 and sent ChangeCipherSpec, with no
 *     ServerHello captured: its next handshake record is an encrypted
 *     Finished (TLS 1.2 resumption), not plaintext messages; or, after a
 *     HelloRetryRequest not captured, a second ClientHello in the clear;
 *   - a client's encrypted alert crossing the server's last flight: the
 *     server's messages already on their way are still listed, up to its
 *     Finished; nothing of the client after its alert;
 *   - a NULL-cipher suite: after ChangeCipherSpec the Finished messages and
 *     alerts are read in the clear, their MAC left aside; a record that
 *     does not fit that is taken as encrypted.
 *
 * Records are written by hand from RFC 5246 6.2 and 7.4 and RFC 8446 4.1.2;
 * the encrypted bodies are arbitrary bytes, the GCM explicit nonce of a
 * first record being zero as real stacks send it (tshark shows such records
 * as "Encrypted Handshake Message").
 */
#include "../../analyzer/session.h"
#include "testkit.h"

/* ClientHello: 0x0303, random, no session id, TLS_AES_128_GCM_SHA256,
 * null compression, supported_versions {TLS 1.3, TLS 1.2}. */
#define CH_RECORD                                                                                  \
    "16 0301 0038 01 000034 0303"                                                                  \
    "1111111111111111111111111111111111111111111111111111111111111111"                             \
    "00 0002 1301 01 00 0009 002b 0005 04 0304 0303"
#define CCS_RECORD "14 0303 0001 01"
/* A TLS 1.2 AES-GCM Finished: 8-byte explicit nonce 0, 16 + 16 bytes. */
#define FINISHED_RECORD                                                                            \
    "16 0303 0028 0000000000000000"                                                                \
    "a1b2c3d4e5f60718293a4b5c6d7e8f90 0f1e2d3c4b5a69788796a5b4c3d2e1f0"
#define APP_DATA_RECORD "17 0303 0010 00112233445566778899aabbccddeeff"
/* ServerHello: 0x0303, random, no session id, ECDHE_RSA_AES_128_GCM_SHA256. */
#define SH_RECORD                                                                                  \
    "16 0303 002a 02 000026 0303"                                                                  \
    "2222222222222222222222222222222222222222222222222222222222222222"                             \
    "00 c02f 00"
#define SHD_RECORD "16 0303 0004 0e 000000"
#define CKE_RECORD                                                                                 \
    "16 0303 0025 10 000021 20 3333333333333333333333333333333333333333333333333333333333333333"
/* An encrypted alert: 8-byte nonce, 2 bytes, 16-byte tag. */
#define ALERT_RECORD "15 0303 001a 0000000000000001 a1a2 b1b2b3b4b5b6b7b8b9babbbcbdbebfc0"
/* NewSessionTicket: lifetime 300, a 4-byte ticket. */
#define NST_RECORD "16 0303 000e 04 00000a 0000012c 0004 deadbeef"
/* TLS_RSA_WITH_NULL_SHA (HMAC-SHA1, 20 bytes): ServerHello, a Finished in
 * the clear with its MAC, a close_notify with its MAC. */
#define SH_NULL_RECORD                                                                             \
    "16 0303 002a 02 000026 0303"                                                                  \
    "2222222222222222222222222222222222222222222222222222222222222222"                             \
    "00 0002 00"
#define NULL_FINISHED_RECORD                                                                       \
    "16 0303 0024 14 00000c 0102030405060708090a0b0c"                                              \
    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3"
#define NULL_ALERT_RECORD "15 0303 0016 01 00 c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3"

struct step {
    int dir;
    const char *hex;
};

/* Feeds the records in order, whole or one byte per view; a new session. */
static struct tg_session *run(const struct step *steps, size_t n, bool bytewise)
{
    struct tg_session *s = tg_session_new();
    if (!s)
        abort();
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint8_t *buf = from_hex(steps[i].hex, &len);
        int64_t ts = (int64_t)(i + 1) * 1000;
        if (!bytewise) {
            tg_tls_feed(s, steps[i].dir, view_of(buf, len), ts);
        } else {
            for (size_t k = 0; k < len; k++) {
                uint8_t *one = malloc(1); /* exactly one byte, for ASan */
                if (!one)
                    abort();
                one[0] = buf[k];
                tg_tls_feed(s, steps[i].dir, view_of(one, 1), ts);
                free(one);
            }
        }
        free(buf);
    }
    return s;
}

/* An expected entry of `messages`. */
struct want {
    int dir;
    enum tg_event_kind kind;
    uint8_t hs_type;
    uint32_t length;
};

static void check_events(const struct tg_session *s, const struct want *w, size_t n, int line)
{
    check(s->n_events == n, "number of messages", line);
    if (s->n_events != n)
        printf("  %u messages, want %zu\n", s->n_events, n);
    for (size_t i = 0; i < n && i < s->n_events; i++) {
        const struct tg_event *e = &s->events[i];
        bool ok = e->dir == w[i].dir && e->kind == w[i].kind && e->length == w[i].length &&
                  (e->kind != TG_EV_HANDSHAKE || e->hs_type == w[i].hs_type);
        check(ok, "message", line);
        if (!ok)
            printf("  #%zu: dir %u kind %u type %u length %u, want %d %d %u %u\n", i, e->dir,
                   e->kind, e->hs_type, e->length, w[i].dir, (int)w[i].kind, w[i].hs_type,
                   w[i].length);
    }
}

static void test_unidirectional_resumption(bool bytewise)
{
    printf("client offered 1.3, CCS, encrypted Finished, no ServerHello%s\n",
           bytewise ? " (byte by byte)" : "");
    const struct step steps[] = {
        {0, CH_RECORD},
        {0, CCS_RECORD},
        {0, FINISHED_RECORD},
        {0, APP_DATA_RECORD},
    };
    struct tg_session *s = run(steps, 4, bytewise);
    const struct want w[] = {
        {0, TG_EV_HANDSHAKE, 1, 52},
        {0, TG_EV_CCS, 0, 1},
        {0, TG_EV_ENCRYPTED, 0, 40},
    };
    check_events(s, w, 3, __LINE__);
    CHECK(s->have_ch && !s->have_sh);
    CHECK(s->finished[0] && s->tls[0].encrypted);
    CHECK(!s->early_data_seen); /* the application data follows a Finished */
    CHECK_EQ(s->errors, 0);
    CHECK(strcmp(tg_session_state(s), "incomplete") == 0);
    tg_session_free(s);
}

static void test_retry_hello_after_ccs(bool bytewise)
{
    printf("client offered 1.3, CCS, a second ClientHello in the clear%s\n",
           bytewise ? " (byte by byte)" : "");
    const struct step steps[] = {{0, CH_RECORD}, {0, CCS_RECORD}, {0, CH_RECORD}};
    struct tg_session *s = run(steps, 3, bytewise);
    const struct want w[] = {
        {0, TG_EV_HANDSHAKE, 1, 52},
        {0, TG_EV_CCS, 0, 1},
        {0, TG_EV_HANDSHAKE, 1, 52},
    };
    check_events(s, w, 3, __LINE__);
    CHECK(!s->tls[0].encrypted && !s->tls[0].judge);
    tg_session_free(s);
}

static void test_judge_hello(void)
{
    printf("judging the first bytes of a handshake record\n");
    size_t len;
    uint8_t *b = from_hex("01 000034 0303", &len);
    CHECK(tg_tls_judge_hello(view_of(b, len)));
    CHECK(!tg_tls_judge_hello(view_of(b, len - 1))); /* too few bytes */
    free(b);
    b = from_hex("02 000026 7f12", &len); /* a TLS 1.3 draft ServerHello */
    CHECK(tg_tls_judge_hello(view_of(b, len)));
    free(b);
    static const char *const no[] = {
        "00 000000 0000", /* a zero GCM nonce */
        "01 000023 0303", /* too short for a hello */
        "01 040001 0303", /* over the message cap */
        "01 000034 0305", /* no such version */
        "0b 000034 0303", /* a Certificate */
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        b = from_hex(no[i], &len);
        CHECK(!tg_tls_judge_hello(view_of(b, len)));
        free(b);
    }
}

static void test_crossing_flight(bool bytewise)
{
    printf("client's encrypted alert crossing the server's last flight%s\n",
           bytewise ? " (byte by byte)" : "");
    const struct step steps[] = {
        {0, CH_RECORD},  {1, SH_RECORD},       {1, SHD_RECORD},      {0, CKE_RECORD},
        {0, CCS_RECORD}, {0, FINISHED_RECORD}, {0, ALERT_RECORD},    {1, NST_RECORD},
        {1, CCS_RECORD}, {1, FINISHED_RECORD}, {1, APP_DATA_RECORD}, {1, SHD_RECORD},
        {0, CKE_RECORD},
    };
    struct tg_session *s = run(steps, sizeof steps / sizeof steps[0], bytewise);
    const struct want w[] = {
        {0, TG_EV_HANDSHAKE, 1, 52},  {1, TG_EV_HANDSHAKE, 2, 38}, {1, TG_EV_HANDSHAKE, 14, 0},
        {0, TG_EV_HANDSHAKE, 16, 33}, {0, TG_EV_CCS, 0, 1},        {0, TG_EV_ENCRYPTED, 0, 40},
        {0, TG_EV_ALERT, 0, 26},      {1, TG_EV_HANDSHAKE, 4, 10}, {1, TG_EV_CCS, 0, 1},
        {1, TG_EV_ENCRYPTED, 0, 40},
    };
    check_events(s, w, sizeof w / sizeof w[0], __LINE__);
    CHECK(strcmp(tg_session_state(s), "failed") == 0);
    CHECK(!s->established && s->fail_side == 0 && s->closed[1]);
    CHECK_EQ(s->n_alerts, 1);
    CHECK(s->ticket.present);
    tg_session_free(s);
}

static void test_null_cipher(bool bytewise)
{
    printf("NULL cipher: Finished and alerts in the clear after CCS%s\n",
           bytewise ? " (byte by byte)" : "");
    const struct step steps[] = {
        {0, CH_RECORD},         {1, SH_NULL_RECORD},       {1, SHD_RECORD},
        {0, CKE_RECORD},        {0, CCS_RECORD},           {0, NULL_FINISHED_RECORD},
        {1, CCS_RECORD},        {1, NULL_FINISHED_RECORD}, {0, NULL_ALERT_RECORD},
        {1, NULL_ALERT_RECORD},
    };
    struct tg_session *s = run(steps, sizeof steps / sizeof steps[0], bytewise);
    const struct want w[] = {
        {0, TG_EV_HANDSHAKE, 1, 52},  {1, TG_EV_HANDSHAKE, 2, 38},  {1, TG_EV_HANDSHAKE, 14, 0},
        {0, TG_EV_HANDSHAKE, 16, 33}, {0, TG_EV_CCS, 0, 1},         {0, TG_EV_HANDSHAKE, 20, 12},
        {1, TG_EV_CCS, 0, 1},         {1, TG_EV_HANDSHAKE, 20, 12},
    };
    check_events(s, w, sizeof w / sizeof w[0], __LINE__);
    CHECK(strcmp(tg_session_state(s), "established") == 0);
    CHECK_EQ(s->n_alerts, 2);
    CHECK(!s->alerts[0].encrypted && s->alerts[0].level == 1 && s->alerts[0].description == 0);
    CHECK(!s->alerts[1].encrypted && s->alerts[1].dir == 1);
    CHECK_EQ(s->errors, 0);
    tg_session_free(s);

    printf("NULL cipher, a first record that is no Finished with a MAC: encrypted\n");
    const struct step odd[] = {
        {0, CH_RECORD},
        {1, SH_NULL_RECORD},
        {0, CCS_RECORD},
        {0, FINISHED_RECORD},
    };
    s = run(odd, sizeof odd / sizeof odd[0], bytewise);
    CHECK_EQ(s->n_events, 4);
    CHECK(s->n_events == 4 && s->events[3].kind == TG_EV_ENCRYPTED && s->events[3].length == 40);
    CHECK(s->tls[0].encrypted && !s->tls[0].null_cipher);
    tg_session_free(s);
}

static void test_judge_finished(void)
{
    printf("judging a NULL-cipher Finished\n");
    size_t len;
    uint8_t *b = from_hex("14 00000c", &len);
    CHECK(tg_tls_judge_finished(view_of(b, len), 36, 20));
    CHECK(tg_tls_judge_finished(view_of(b, len), 16, 0));
    CHECK(!tg_tls_judge_finished(view_of(b, len), 40, 20));
    CHECK(!tg_tls_judge_finished(view_of(b, len - 1), 36, 20));
    free(b);
    b = from_hex("14 000024", &len); /* SSLv3: 36 bytes of verify data */
    CHECK(tg_tls_judge_finished(view_of(b, len), 56, 16));
    free(b);
    b = from_hex("00 00000c", &len);
    CHECK(!tg_tls_judge_finished(view_of(b, len), 36, 20));
    free(b);
}

static void test_alert_cap(void)
{
    printf("more alerts than the cap: too_many_alerts\n");
    struct step steps[TG_MAX_ALERTS + 2];
    steps[0].dir = 0;
    steps[0].hex = CH_RECORD;
    for (size_t i = 1; i < sizeof steps / sizeof steps[0]; i++) {
        steps[i].dir = 1;
        steps[i].hex = "15 0303 0002 01 00"; /* warning close_notify */
    }
    struct tg_session *s = run(steps, sizeof steps / sizeof steps[0], false);
    CHECK_EQ(s->n_alerts, TG_MAX_ALERTS);
    CHECK(s->errors & TG_ERR_BIT(TG_ERR_TOO_MANY_ALERTS));
    tg_session_free(s);
}

int main(void)
{
    test_judge_hello();
    test_judge_finished();
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        test_unidirectional_resumption(bytewise);
        test_retry_hello_after_ccs(bytewise);
        test_crossing_flight(bytewise);
        test_null_cipher(bytewise);
    }
    test_alert_cap();
    return testkit_finish();
}
