/*
 * test_classify.c - nDPI classification (analyzer/classify.c) on packets
 * built here byte by byte: a TCP handshake then a TLS ClientHello with SNI
 * www.google.com must come out as TLS.Google; TLS 1.0 hellos agreeing on
 * TLS_RSA_WITH_AES_128_CBC_SHA must raise nDPI's obsolete-version and
 * weak-cipher risks (nDPI 4.2 takes the version from the ClientHello and
 * calls only "weak" suites weak, not RC4, which it rates worse); a
 * ClientHello without SNI the missing-SNI risk; an HTTP request is HTTP;
 * the same over IPv6; a flow nDPI cannot place ends at the packet cap.
 * Every strict prefix of the ClientHello packet, and the packet plus one
 * byte, is fed from an exactly sized buffer (ASan watches nDPI's copies).
 * The risk name table and its iterator are checked against nDPI 4.2's list.
 */
#include "../../analyzer/classify.h"
#include "testkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- packet builder */

#define PKT_MAX 2048

struct pkt {
    uint8_t b[PKT_MAX];
    size_t n;
};

static void put8(struct pkt *p, unsigned v)
{
    if (p->n < PKT_MAX)
        p->b[p->n++] = (uint8_t)v;
}

static void put16(struct pkt *p, unsigned v)
{
    put8(p, v >> 8);
    put8(p, v & 0xff);
}

static void put24(struct pkt *p, size_t v)
{
    put8(p, (unsigned)(v >> 16) & 0xff);
    put16(p, (unsigned)(v & 0xffff));
}

static void put32(struct pkt *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p, v & 0xffff);
}

static void put_bytes(struct pkt *p, const void *v, size_t n)
{
    const uint8_t *b = v;
    for (size_t i = 0; i < n; i++)
        put8(p, b[i]);
}

/* Writes the 16- or 24-bit length of what follows `at` (of `width` bytes). */
static void patch_len(struct pkt *p, size_t at, int width)
{
    size_t len = p->n - at - (size_t)width;
    for (int i = width - 1; i >= 0; i--) {
        p->b[at + (size_t)i] = (uint8_t)(len & 0xff);
        len >>= 8;
    }
}

/* A two-byte length placeholder; returns its offset for patch_len. */
static size_t open16(struct pkt *p)
{
    size_t at = p->n;
    put16(p, 0);
    return at;
}

static size_t open24(struct pkt *p)
{
    size_t at = p->n;
    put24(p, 0);
    return at;
}

/* ------------------------------------------------------------ TLS bytes */

static void put_random(struct pkt *p, unsigned seed)
{
    for (unsigned i = 0; i < 32; i++)
        put8(p, (seed * 31u + i * 7u) & 0xff);
}

/* RFC 8446 4.1.2 / RFC 5246 7.4.1.2, in a handshake record (RFC 8446 5.1). */
static void client_hello(struct pkt *p, const char *sni, uint16_t version)
{
    static const uint16_t suites[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030};
    static const uint16_t groups[] = {0x001d, 0x0017, 0x0018};
    static const uint16_t sigalgs[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501};
    put8(p, 22);
    put16(p, 0x0301);
    size_t rec = open16(p);
    put8(p, 1);
    size_t hs = open24(p);
    put16(p, version);
    put_random(p, 1);
    put8(p, 0); /* session id */
    put16(p, (unsigned)sizeof suites);
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        put16(p, suites[i]);
    put8(p, 1); /* compression methods: null */
    put8(p, 0);
    size_t exts = open16(p);
    if (sni) {
        put16(p, 0x0000); /* server_name, RFC 6066 3 */
        size_t e = open16(p);
        size_t list = open16(p);
        put8(p, 0); /* host_name */
        put16(p, (unsigned)strlen(sni));
        put_bytes(p, sni, strlen(sni));
        patch_len(p, list, 2);
        patch_len(p, e, 2);
    }
    put16(p, 0x000a); /* supported_groups */
    size_t g = open16(p);
    put16(p, (unsigned)sizeof groups);
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        put16(p, groups[i]);
    patch_len(p, g, 2);
    put16(p, 0x000b); /* ec_point_formats: uncompressed */
    put16(p, 2);
    put8(p, 1);
    put8(p, 0);
    put16(p, 0x000d); /* signature_algorithms */
    size_t s = open16(p);
    put16(p, (unsigned)sizeof sigalgs);
    for (size_t i = 0; i < sizeof sigalgs / sizeof sigalgs[0]; i++)
        put16(p, sigalgs[i]);
    patch_len(p, s, 2);
    put16(p, 0x0010); /* ALPN: h2 */
    put16(p, 5);
    put16(p, 3);
    put8(p, 2);
    put_bytes(p, "h2", 2);
    patch_len(p, exts, 2);
    patch_len(p, hs, 3);
    patch_len(p, rec, 2);
}

/* A TLS 1.0 ServerHello choosing `suite`, then ServerHelloDone. */
static void server_hello(struct pkt *p, uint16_t suite)
{
    put8(p, 22);
    put16(p, 0x0301);
    size_t rec = open16(p);
    put8(p, 2);
    size_t hs = open24(p);
    put16(p, 0x0301);
    put_random(p, 2);
    put8(p, 0);
    put16(p, suite);
    put8(p, 0);
    patch_len(p, hs, 3);
    put8(p, 14); /* ServerHelloDone */
    put24(p, 0);
    patch_len(p, rec, 2);
}

/* ------------------------------------------------------------- IP / TCP */

struct endpoint {
    int version;
    uint8_t addr[16];
    uint16_t port;
};

struct conn {
    struct endpoint side[2]; /* 0 client, 1 server */
    uint32_t next_seq[2];
};

static uint16_t ipv4_checksum(const uint8_t *h, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)h[i] << 8 | h[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* An IP packet carrying a TCP segment from `from` with these flags. */
static void segment(struct conn *c, int from, uint8_t flags, const struct pkt *data,
                    struct pkt *out)
{
    const struct endpoint *s = &c->side[from], *d = &c->side[1 - from];
    size_t tcp_len = 20 + (data ? data->n : 0);
    out->n = 0;
    if (s->version == 4) {
        put16(out, 0x4500);
        put16(out, (unsigned)(20 + tcp_len));
        put16(out, 0x1234);
        put16(out, 0x4000); /* don't fragment */
        put8(out, 64);
        put8(out, 6);
        put16(out, 0);
        put_bytes(out, s->addr, 4);
        put_bytes(out, d->addr, 4);
        uint16_t sum = ipv4_checksum(out->b, 20);
        out->b[10] = (uint8_t)(sum >> 8);
        out->b[11] = (uint8_t)(sum & 0xff);
    } else {
        put32(out, 0x60000000u);
        put16(out, (unsigned)tcp_len);
        put8(out, 6);
        put8(out, 64);
        put_bytes(out, s->addr, 16);
        put_bytes(out, d->addr, 16);
    }
    put16(out, s->port);
    put16(out, d->port);
    put32(out, c->next_seq[from]);
    put32(out, (flags & 0x10) ? c->next_seq[1 - from] : 0);
    put8(out, 0x50);
    put8(out, flags);
    put16(out, 65535);
    put16(out, 0); /* checksum: nDPI does not check it */
    put16(out, 0);
    if (data)
        put_bytes(out, data->b, data->n);
    c->next_seq[from] += (uint32_t)(data ? data->n : 0) + ((flags & 0x02) ? 1u : 0u);
}

static struct conn make_conn(int version, uint16_t server_port)
{
    struct conn c;
    memset(&c, 0, sizeof c);
    for (int i = 0; i < 2; i++) {
        c.side[i].version = version;
        if (version == 4) {
            const uint8_t a[2][4] = {{192, 168, 1, 10}, {198, 51, 100, 7}};
            memcpy(c.side[i].addr, a[i], 4);
        } else {
            const uint8_t a[2][16] = {
                {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10},
                {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0x04}};
            memcpy(c.side[i].addr, a[i], 16);
        }
    }
    c.side[0].port = 51514;
    c.side[1].port = server_port;
    c.next_seq[0] = 0x10000000u;
    c.next_seq[1] = 0x20000000u;
    return c;
}

/* Feeds one packet from an exactly sized heap copy. */
static bool feed(struct tg_ndpi *m, struct tg_ndpi_flow *f, const struct pkt *ip, size_t len,
                 int64_t ts)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        printf("out of memory\n");
        exit(2);
    }
    memcpy(copy, ip->b, len);
    struct tg_view v = {copy, len};
    bool done = tg_ndpi_feed(m, f, v, ts);
    free(copy);
    return done;
}

/* SYN, SYN-ACK, ACK of conn c, fed to f. */
static void handshake(struct tg_ndpi *m, struct tg_ndpi_flow *f, struct conn *c, int64_t *ts)
{
    struct pkt ip;
    segment(c, 0, 0x02, NULL, &ip);
    feed(m, f, &ip, ip.n, (*ts)++);
    segment(c, 1, 0x12, NULL, &ip);
    feed(m, f, &ip, ip.n, (*ts)++);
    segment(c, 0, 0x10, NULL, &ip);
    feed(m, f, &ip, ip.n, (*ts)++);
}

static bool has_risk(uint64_t risks, const char *name)
{
    const char *n;
    while ((n = tg_ndpi_risk_next(&risks)))
        if (strcmp(n, name) == 0)
            return true;
    return false;
}

static void print_risks(uint64_t risks)
{
    const char *n;
    printf("    risks:");
    while ((n = tg_ndpi_risk_next(&risks)))
        printf(" %s", n);
    printf("\n");
}

/* ---------------------------------------------------------------- tests */

/* Handshake and ClientHello with SNI; the result after the ClientHello. */
static void classify_hello(struct tg_ndpi *m, int version, const char *sni,
                           struct tg_ndpi_result *r)
{
    struct tg_ndpi_flow *f = tg_ndpi_flow_new(m);
    CHECK_MSG(f != NULL, "flow state");
    if (!f)
        return;
    struct conn c = make_conn(version, 443);
    int64_t ts = 1700000000000000LL;
    handshake(m, f, &c, &ts);
    struct pkt hello, ip;
    hello.n = 0;
    client_hello(&hello, sni, 0x0303);
    segment(&c, 0, 0x18, &hello, &ip);
    bool done = feed(m, f, &ip, ip.n, ts++);
    CHECK_MSG(!done, "nDPI waits for the server's certificate after a ClientHello");
    tg_ndpi_result(m, f, r);
    tg_ndpi_flow_free(f);
}

static void test_google(struct tg_ndpi *m, int version)
{
    printf("IPv%d TCP handshake + ClientHello(SNI www.google.com) is TLS.Google\n", version);
    struct tg_ndpi_result r;
    classify_hello(m, version, "www.google.com", &r);
    printf("    app %s\n", r.app);
    CHECK_MSG(r.done, "result filled");
    CHECK_MSG(strstr(r.app, "TLS") != NULL, "app %s has TLS", r.app);
    CHECK_MSG(strstr(r.app, "Google") != NULL, "app %s has Google", r.app);
    CHECK_MSG(strcmp(r.app, "TLS.Google") == 0, "app %s", r.app);
    CHECK_MSG(!has_risk(r.risks, "tls_missing_sni"), "no missing-SNI risk");
}

static void test_missing_sni(struct tg_ndpi *m)
{
    printf("ClientHello without SNI raises tls_missing_sni\n");
    struct tg_ndpi_result r;
    classify_hello(m, 4, NULL, &r);
    printf("    app %s\n", r.app);
    print_risks(r.risks);
    CHECK_MSG(strcmp(r.app, "TLS") == 0, "app %s", r.app);
    CHECK_MSG(has_risk(r.risks, "tls_missing_sni"), "missing-SNI risk");
}

static void test_obsolete_weak(struct tg_ndpi *m)
{
    printf("TLS 1.0 hellos with AES128-SHA: obsolete version and weak cipher risks\n");
    struct tg_ndpi_flow *f = tg_ndpi_flow_new(m);
    CHECK_MSG(f != NULL, "flow state");
    if (!f)
        return;
    struct conn c = make_conn(4, 443);
    int64_t ts = 1700000000000000LL;
    handshake(m, f, &c, &ts);
    struct pkt tls, ip;
    tls.n = 0;
    client_hello(&tls, "www.example.com", 0x0301);
    segment(&c, 0, 0x18, &tls, &ip);
    feed(m, f, &ip, ip.n, ts++);
    tls.n = 0;
    server_hello(&tls, 0x002f); /* TLS_RSA_WITH_AES_128_CBC_SHA */
    segment(&c, 1, 0x18, &tls, &ip);
    bool done = feed(m, f, &ip, ip.n, ts++);
    segment(&c, 0, 0x10, NULL, &ip);
    done = feed(m, f, &ip, ip.n, ts++) || done;
    printf("    decided after the ServerHello: %s\n", done ? "yes" : "no");
    struct tg_ndpi_result r;
    tg_ndpi_result(m, f, &r);
    printf("    app %s\n", r.app);
    print_risks(r.risks);
    CHECK_MSG(strstr(r.app, "TLS") != NULL, "app %s", r.app);
    CHECK_MSG(has_risk(r.risks, "tls_obsolete_version"), "obsolete version risk");
    CHECK_MSG(has_risk(r.risks, "tls_weak_cipher"), "weak cipher risk");
    tg_ndpi_flow_free(f);
}

static void test_http(struct tg_ndpi *m)
{
    printf("A TCP flow carrying an HTTP request is HTTP, not TLS\n");
    struct tg_ndpi_flow *f = tg_ndpi_flow_new(m);
    CHECK_MSG(f != NULL, "flow state");
    if (!f)
        return;
    struct conn c = make_conn(4, 80);
    int64_t ts = 1700000000000000LL;
    handshake(m, f, &c, &ts);
    static const char req[] = "GET /index.html HTTP/1.1\r\nHost: www.example.org\r\n"
                              "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";
    struct pkt data, ip;
    data.n = 0;
    put_bytes(&data, req, sizeof req - 1);
    segment(&c, 0, 0x18, &data, &ip);
    feed(m, f, &ip, ip.n, ts++);
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                               "Content-Length: 5\r\n\r\nhello";
    data.n = 0;
    put_bytes(&data, resp, sizeof resp - 1);
    segment(&c, 1, 0x18, &data, &ip);
    feed(m, f, &ip, ip.n, ts++);
    struct tg_ndpi_result r;
    tg_ndpi_result(m, f, &r);
    printf("    app %s\n", r.app);
    CHECK_MSG(strstr(r.app, "HTTP") != NULL, "app %s has HTTP", r.app);
    CHECK_MSG(strstr(r.app, "TLS") == NULL, "app %s has no TLS", r.app);
    tg_ndpi_flow_free(f);
}

static void test_cap(struct tg_ndpi *m)
{
    printf("An unknown payload stops nDPI after %u packets\n", TG_NDPI_MAX_PACKETS);
    struct tg_ndpi_flow *f = tg_ndpi_flow_new(m);
    CHECK_MSG(f != NULL, "flow state");
    if (!f)
        return;
    struct conn c = make_conn(4, 40000);
    c.side[0].port = 40001;
    int64_t ts = 1700000000000000LL;
    struct pkt data, ip;
    unsigned n = 0;
    bool done = false;
    while (!done && n < 2 * TG_NDPI_MAX_PACKETS) {
        data.n = 0;
        for (unsigned i = 0; i < 40; i++)
            put8(&data, (n * 131u + i * 17u + 3u) & 0xff);
        segment(&c, (int)(n & 1), 0x18, &data, &ip);
        done = feed(m, f, &ip, ip.n, ts++);
        n++;
    }
    CHECK_MSG(done && n == TG_NDPI_MAX_PACKETS, "decided after %u packets", n);
    CHECK_MSG(feed(m, f, &ip, ip.n, ts++), "later packets: still decided");
    struct tg_ndpi_result r;
    tg_ndpi_result(m, f, &r);
    printf("    app %s\n", r.app);
    CHECK_MSG(r.done && r.app[0] != '\0', "a name even when unknown: %s", r.app);
    CHECK_MSG(strstr(r.app, "TLS") == NULL, "app %s has no TLS", r.app);
    tg_ndpi_flow_free(f);
}

/* f packed, released, and unpacked from a copy of its exact size. */
static struct tg_ndpi_flow *repack(struct tg_ndpi_flow *f)
{
    uint8_t *buf = malloc(TG_NDPI_PACKED_MAX);
    if (!buf)
        abort();
    size_t n = tg_ndpi_flow_pack(f, buf);
    CHECK_MSG(n < tg_ndpi_flow_size() / 2, "packed to %zu of %zu bytes", n, tg_ndpi_flow_size());
    tg_ndpi_flow_release(f);
    struct tg_view v = view_copy(buf, n);
    free(buf);
    struct tg_ndpi_flow *g = tg_ndpi_flow_unpack(v.p, v.len);
    view_free(v);
    if (!g)
        abort();
    return g;
}

/* A new flow fed its TCP handshake and a ClientHello of `version`. */
static struct tg_ndpi_flow *after_client_hello(struct tg_ndpi *m, uint16_t version, struct conn *c,
                                               int64_t *ts)
{
    struct tg_ndpi_flow *f = tg_ndpi_flow_new(m);
    if (!f)
        abort();
    *c = make_conn(4, 443);
    *ts = 1700000000000000LL;
    handshake(m, f, c, ts);
    struct pkt tls, ip;
    tls.n = 0;
    client_hello(&tls, "www.example.com", version);
    segment(c, 0, 0x18, &tls, &ip);
    feed(m, f, &ip, ip.n, (*ts)++);
    return f;
}

/* The obsolete/weak exchange, the state packed between packets or not. */
static void weak_exchange(struct tg_ndpi *m, bool pack, struct tg_ndpi_result *r)
{
    struct conn c;
    int64_t ts;
    struct tg_ndpi_flow *f = after_client_hello(m, 0x0301, &c, &ts);
    struct pkt tls, ip;
    size_t held = tg_ndpi_flow_memory(f);
    CHECK_MSG(held >= tg_ndpi_flow_size() && held < tg_ndpi_flow_size() + 512,
              "after a whole record: %zu bytes, the TLS buffer kept?", held);
    if (pack)
        f = repack(f);
    CHECK_EQ(tg_ndpi_flow_memory(f), held);
    tls.n = 0;
    server_hello(&tls, 0x002f);
    segment(&c, 1, 0x18, &tls, &ip);
    feed(m, f, &ip, ip.n, ts++);
    if (pack)
        f = repack(f);
    segment(&c, 0, 0x10, NULL, &ip);
    feed(m, f, &ip, ip.n, ts++);
    tg_ndpi_result(m, f, r);
    tg_ndpi_flow_free(f);
}

static void test_packed(struct tg_ndpi *m)
{
    printf("Packed between packets: the same verdict; what nDPI holds counted\n");
    struct tg_ndpi_result whole, packed;
    weak_exchange(m, false, &whole);
    weak_exchange(m, true, &packed);
    CHECK_STR(packed.app, whole.app);
    CHECK_EQ(packed.risks, whole.risks);
    CHECK(has_risk(packed.risks, "tls_weak_cipher"));
    /* A packed state dropped without unpacking: freed whole (else LSan). */
    struct conn c;
    int64_t ts;
    struct tg_ndpi_flow *f = after_client_hello(m, 0x0303, &c, &ts);
    uint8_t *buf = malloc(TG_NDPI_PACKED_MAX);
    if (!buf)
        abort();
    size_t n = tg_ndpi_flow_pack(f, buf);
    tg_ndpi_flow_release(f);
    tg_ndpi_flow_free_packed(buf, n);
    free(buf);
}

static void test_empty_view(struct tg_ndpi *m)
{
    printf("An empty view is ignored\n");
    struct tg_ndpi_flow *f = tg_ndpi_flow_new(m);
    CHECK_MSG(f != NULL, "flow state");
    if (!f)
        return;
    struct tg_view none = {NULL, 0};
    for (unsigned i = 0; i < 2 * TG_NDPI_MAX_PACKETS; i++)
        CHECK_MSG(!tg_ndpi_feed(m, f, none, 1), "not counted as a packet");
    tg_ndpi_flow_free(f);
    tg_ndpi_flow_free(NULL);
}

/* Every strict prefix of the ClientHello packet, and one byte more, on a
 * fresh flow each: nothing crashes, every flow gets a result. */
static void test_prefixes(struct tg_ndpi *m)
{
    printf("Every prefix of the ClientHello packet, and one extra byte\n");
    struct conn c = make_conn(4, 443);
    c.next_seq[0]++;
    c.next_seq[1]++;
    struct pkt hello, ip;
    hello.n = 0;
    client_hello(&hello, "www.google.com", 0x0303);
    segment(&c, 0, 0x18, &hello, &ip);
    size_t whole = ip.n;
    put8(&ip, 0x00);
    int named = 0;
    for (size_t len = 1; len <= whole + 1; len++) {
        struct tg_ndpi_flow *f = tg_ndpi_flow_new(m);
        if (!f) {
            check(false, "tg_ndpi_flow_new", __LINE__);
            return;
        }
        feed(m, f, &ip, len, 1700000000000000LL);
        struct tg_ndpi_result r;
        tg_ndpi_result(m, f, &r);
        named += r.done && r.app[0] != '\0';
        if (len == whole || len == whole + 1)
            CHECK_MSG(strcmp(r.app, "TLS.Google") == 0, "length %zu of %zu: %s", len, whole, r.app);
        tg_ndpi_flow_free(f);
    }
    CHECK_MSG(named == (int)whole + 1, "%d of %zu prefixes named", named, whole + 1);
}

static void test_risk_names(void)
{
    printf("Risk names: nDPI 4.2 risks 1..41 named, sorted, iterated lowest first\n");
    CHECK_MSG(tg_ndpi_risk_name(0) == NULL, "0 is no risk");
    int named = 0;
    for (unsigned n = 1; n < 42; n++)
        named += tg_ndpi_risk_name(n) != NULL;
    CHECK_MSG(named == 41, "%d of 41 named", named);
    for (unsigned n = 42; n < 64; n++)
        CHECK_MSG(tg_ndpi_risk_name(n) == NULL, "risk %u unknown to 4.2", n);
    CHECK_MSG(strcmp(tg_ndpi_risk_name(6), "tls_selfsigned_certificate") == 0, "6");
    CHECK_MSG(strcmp(tg_ndpi_risk_name(7), "tls_obsolete_version") == 0, "7");
    CHECK_MSG(strcmp(tg_ndpi_risk_name(8), "tls_weak_cipher") == 0, "8");
    CHECK_MSG(strcmp(tg_ndpi_risk_name(10), "tls_certificate_mismatch") == 0, "10");
    CHECK_MSG(strcmp(tg_ndpi_risk_name(24), "tls_missing_sni") == 0, "24");
    CHECK_MSG(strcmp(tg_ndpi_risk_name(41), "tls_certificate_about_to_expire") == 0, "41");
    uint64_t set = 1ULL << 24 | 1ULL << 6 | 1ULL << 50 | 1ULL << 0;
    const char *a = tg_ndpi_risk_next(&set);
    const char *b = tg_ndpi_risk_next(&set);
    const char *z = tg_ndpi_risk_next(&set);
    CHECK_MSG(a && strcmp(a, "tls_selfsigned_certificate") == 0, "first %s", a ? a : "(null)");
    CHECK_MSG(b && strcmp(b, "tls_missing_sni") == 0, "second %s", b ? b : "(null)");
    CHECK_MSG(z == NULL && set == 0, "then none, set emptied");
    uint64_t none = 0;
    CHECK_MSG(tg_ndpi_risk_next(&none) == NULL, "empty set");
}

int main(void)
{
    printf("nDPI flow state: %zu bytes per flow\n", tg_ndpi_flow_size());
    test_risk_names();
    struct tg_ndpi *m = tg_ndpi_new();
    CHECK_MSG(m != NULL, "detection module");
    if (m) {
        test_google(m, 4);
        test_google(m, 6);
        test_missing_sni(m);
        test_obsolete_weak(m);
        test_http(m);
        test_cap(m);
        test_empty_view(m);
        test_packed(m);
        test_prefixes(m);
        tg_ndpi_free(m);
    }
    tg_ndpi_free(NULL);
    return testkit_finish();
}
