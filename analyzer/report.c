/*
 * report.c - builds each session record with cJSON and writes it as one
 * line. Dissectors that were not needed while the flow ran (certificates,
 * key exchanges, certificate requests) are run here, on the copies the
 * session kept.
 */
#include "report.h"

#include "../dissectors/alert.h"
#include "../dissectors/certificate.h"
#include "../dissectors/certificate_request.h"
#include "../dissectors/certificate_verify.h"
#include "../dissectors/cipher_info.h"
#include "../dissectors/client_key_exchange.h"
#include "../dissectors/names.h"
#include "../dissectors/new_session_ticket.h"
#include "../dissectors/server_key_exchange.h"
#include "../dissectors/u16list.h"
#include "analyzer.h" /* struct tg_cap_counters, for stats records */
#include "fingerprint.h"
#include "jsonmem.h"
#include "jsonwrite.h"
#include "log.h"
#include "risks.h"
#include "session.h"
#include "validate.h"
#include "x509.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TG_REPORT_INITIAL_BUF ((size_t)64 * 1024)

/* The record buffer and the certificate cache. */
static enum tg_status make_buffers(struct tg_report *r)
{
    r->cap = TG_REPORT_INITIAL_BUF;
    r->buf = malloc(r->cap);
    r->certs = tg_x509_cache_new();
    if (!r->buf || !r->certs)
        return TG_E_NOMEM;
    return TG_OK;
}

enum tg_status tg_report_open(struct tg_report *r, const char *path, bool pretty)
{
    memset(r, 0, sizeof *r);
    r->pretty = pretty;
    enum tg_status st = tg_output_open(&r->out, path, false);
    return st != TG_OK ? st : make_buffers(r);
}

enum tg_status tg_report_open_sink(struct tg_report *r, bool pretty, tg_report_sink_fn sink,
                                   void *ctx)
{
    memset(r, 0, sizeof *r);
    r->pretty = pretty;
    r->out.fd = -1;
    r->sink = sink;
    r->sink_ctx = ctx;
    return make_buffers(r);
}

enum tg_status tg_report_close(struct tg_report *r)
{
    if (!r->sink && tg_output_close(&r->out) != TG_OK && !r->failed) {
        r->failed = true;
        r->write_errno = r->out.err;
    }
    free(r->buf);
    tg_x509_cache_free(r->certs);
    r->buf = NULL;
    r->certs = NULL;
    return r->failed ? TG_E_IO : TG_OK;
}

/* ------------------------------------------------------------- tree nodes */

/*
 * Every key of a record is a string literal, and so is the text of a code's
 * name (names.c, the error, risk and state names): the tree points at them
 * (cJSON_AddItemToObjectCS, cJSON_CreateStringReference) instead of copying
 * each into the arena; a record has a few hundred keys. Text made for the
 * record (addresses, hex, wire strings, certificate fields) is copied.
 */
static cJSON *add_item(cJSON *o, const char *key, cJSON *item)
{
    if (!cJSON_AddItemToObjectCS(o, key, item)) {
        cJSON_Delete(item);
        return NULL;
    }
    return item;
}

static void add_str(cJSON *o, const char *key, const char *text)
{
    (void)add_item(o, key, cJSON_CreateString(text));
}

/* `text` lives as long as the program (a literal, a name table's entry). */
static void add_const(cJSON *o, const char *key, const char *text)
{
    (void)add_item(o, key, cJSON_CreateStringReference(text));
}

static void add_bool(cJSON *o, const char *key, bool v)
{
    (void)add_item(o, key, cJSON_CreateBool(v));
}

static cJSON *add_array(cJSON *o, const char *key)
{
    return add_item(o, key, cJSON_CreateArray());
}

static cJSON *add_object(cJSON *o, const char *key)
{
    return add_item(o, key, cJSON_CreateObject());
}

/* ------------------------------------------------------------ value text */

/* n decimal digits of v, zero-padded, into dst (not terminated). */
static void put_digits(char *dst, unsigned v, int n)
{
    for (int i = n; i-- > 0; v /= 10)
        dst[i] = (char)('0' + v % 10);
}

/*
 * The civil (proleptic Gregorian) date of a count of days since 1970-01-01,
 * by eras of 400 years (146097 days), each starting on 1 March so that the
 * leap day ends a year. gmtime_r does the same but takes glibc's time-zone
 * lock on every call, which --threads workers then fight over.
 */
static void civil_date(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
    days += 719468; /* 0000-03-01 to 1970-01-01 */
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;                                   /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* March = 0 */
    *day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

static void add_time(cJSON *o, const char *key, int64_t us)
{
    char text[128];
    int64_t secs = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
    long frac = (long)(us - secs * 1000000);
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    unsigned sod = (unsigned)(secs - days * 86400);
    int64_t year;
    unsigned month, day;
    civil_date(days, &year, &month, &day);
    if (year < 0 || year > 9999) { /* as %04d writes it: rare enough for snprintf */
        snprintf(text, sizeof text, "%04lld-%02u-%02uT%02u:%02u:%02u.%06ldZ", (long long)year,
                 month, day, sod / 3600, sod / 60 % 60, sod % 60, frac);
    } else {
        memcpy(text, "0000-00-00T00:00:00.000000Z", sizeof "0000-00-00T00:00:00.000000Z");
        put_digits(text, (unsigned)year, 4);
        put_digits(text + 5, month, 2);
        put_digits(text + 8, day, 2);
        put_digits(text + 11, sod / 3600, 2);
        put_digits(text + 14, sod / 60 % 60, 2);
        put_digits(text + 17, sod % 60, 2);
        put_digits(text + 20, (unsigned)frac, 6);
    }
    add_str(o, key, text);
}

/*
 * Integers are written as raw JSON text: cJSON prints every number with
 * printf("%.15g") and reads it back with sscanf to check it, which made
 * number printing the largest cost of a record.
 */
static cJSON *json_int(int64_t v)
{
    char text[24];
    char *end = text + sizeof text;
    char *p = end;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    *--p = '\0';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return cJSON_CreateRaw(p);
}

static void add_int(cJSON *o, const char *key, int64_t v)
{
    (void)add_item(o, key, json_int(v));
}

/*
 * A list of integers from the wire (cipher suites, extension types...) as
 * one raw node instead of a node per number: written as cJSON prints an
 * array of numbers, "[1,2,3]", or "[1, 2, 3]" in a --pretty record. A
 * hello has dozens of them, and a node each was a tenth of a record's
 * cost.
 */
struct int_list {
    char stack[1024];
    char *text; /* stack, or malloc'd when a list outgrows it */
    size_t len, cap;
    bool pretty;
    bool failed; /* out of memory: no list is added */
};

static void list_start(struct int_list *l, bool pretty)
{
    l->text = l->stack;
    l->cap = sizeof l->stack;
    l->len = 0;
    l->pretty = pretty;
    l->failed = false;
    l->text[l->len++] = '[';
}

/* Room for n more bytes and the closing "]" and NUL. */
static bool list_room(struct int_list *l, size_t n)
{
    if (l->failed)
        return false;
    if (n + 2 <= l->cap - l->len)
        return true;
    size_t cap = l->cap * 2 + n;
    char *bigger = malloc(cap);
    if (!bigger) {
        l->failed = true;
        return false;
    }
    memcpy(bigger, l->text, l->len);
    if (l->text != l->stack)
        free(l->text);
    l->text = bigger;
    l->cap = cap;
    return true;
}

/* Room for the next item of n bytes, and the "," (", " when pretty) that
 * separates it from the one before, written here; false: out of memory.
 * The caller writes the item at l->text + l->len and adds n to l->len. */
static bool list_item(struct int_list *l, size_t n)
{
    if (!list_room(l, n + 2))
        return false;
    if (l->len > 1) {
        l->text[l->len++] = ',';
        if (l->pretty)
            l->text[l->len++] = ' ';
    }
    return true;
}

static void list_put(struct int_list *l, uint32_t v)
{
    char digits[12];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (!list_item(l, n))
        return;
    char *p = l->text + l->len;
    l->len += n;
    while (n)
        *p++ = digits[--n];
}

static void list_add(cJSON *o, const char *key, struct int_list *l)
{
    if (!l->failed) {
        l->text[l->len++] = ']';
        l->text[l->len] = '\0';
        (void)add_item(o, key, cJSON_CreateRaw(l->text));
    }
    if (l->text != l->stack)
        free(l->text);
}

/* A duration in milliseconds with microsecond precision: "12.345". */
static void add_ms(cJSON *o, const char *key, int64_t from_us, int64_t to_us)
{
    if (!from_us || !to_us || to_us < from_us)
        return;
    char text[32]; /* written from the end: "<ms>.<3 digits>" */
    char *p = text + sizeof text;
    uint64_t us = (uint64_t)(to_us - from_us);
    *--p = '\0';
    for (int i = 0; i < 3; i++, us /= 10)
        *--p = (char)('0' + us % 10);
    *--p = '.';
    do {
        *--p = (char)('0' + us % 10);
        us /= 10;
    } while (us);
    (void)add_item(o, key, cJSON_CreateRaw(p));
}

/* Dotted decimal by hand (glibc's inet_ntop prints it through sprintf);
 * IPv6's shortest form (RFC 5952) is left to inet_ntop. */
static void add_ip(cJSON *o, const char *key, const uint8_t *addr, int version)
{
    char text[INET6_ADDRSTRLEN];
    if (version == 4) {
        char *p = text;
        for (int i = 0; i < 4; i++) {
            unsigned b = addr[i];
            if (b >= 100)
                *p++ = (char)('0' + b / 100);
            if (b >= 10)
                *p++ = (char)('0' + b / 10 % 10);
            *p++ = (char)('0' + b % 10);
            *p++ = i < 3 ? '.' : '\0';
        }
        add_str(o, key, text);
    } else if (inet_ntop(AF_INET6, addr, text, sizeof text)) {
        add_str(o, key, text);
    }
}

static void add_hex(cJSON *o, const char *key, struct tg_view v)
{
    static const char digits[] = "0123456789abcdef";
    char stack[160];
    char *text = v.len * 2 < sizeof stack ? stack : malloc(v.len * 2 + 1);
    if (!text)
        return;
    for (size_t i = 0; i < v.len; i++) {
        uint8_t b = tg_view_at(v, i);
        text[2 * i] = digits[b >> 4];
        text[2 * i + 1] = digits[b & 15];
    }
    text[v.len * 2] = '\0';
    add_str(o, key, text);
    if (text != stack)
        free(text);
}

/* A code's name, or its hex form (written into hex) when the registry does
 * not know it. */
static const char *name_text(const char *name, unsigned code, char hex[12])
{
    if (name)
        return name;
    snprintf(hex, 12, "0x%04x", code);
    return hex;
}

static cJSON *name_or_hex(const char *name, unsigned code)
{
    char hex[12];
    if (name)
        return cJSON_CreateStringReference(name);
    return cJSON_CreateString(name_text(name, code, hex));
}

static void add_named(cJSON *o, const char *key, const char *name, unsigned code)
{
    (void)add_item(o, key, name_or_hex(name, code));
}

static void add_version(cJSON *o, const char *key, uint16_t v)
{
    add_named(o, key, tg_name_version(v), v);
}

/*
 * A list of code names (groups, signature schemes...) as one raw node, as
 * cJSON prints an array of strings: ["x25519","secp256r1"], or with ", "
 * between items in a --pretty record; a hello has dozens of them. No name
 * of names.c needs an escape in JSON (test_names checks every code), and
 * neither does the "0x%04x" form of an unnamed code.
 */
static void add_u16_names(cJSON *o, const char *key, struct tg_view list,
                          const char *(*name)(uint16_t), bool pretty)
{
    struct int_list l;
    list_start(&l, pretty);
    for (size_t i = 0; i < tg_u16_list_count(list); i++) {
        uint16_t c = tg_u16_list_at(list, i);
        char hex[12];
        const char *text = name_text(name(c), c, hex);
        size_t n = strlen(text);
        if (!list_item(&l, n + 2))
            break;
        char *p = l.text + l.len;
        p[0] = '"';
        memcpy(p + 1, text, n + 1); /* its NUL then becomes the closing quote */
        p[n + 1] = '"';
        l.len += n + 2;
    }
    list_add(o, key, &l);
}

static void add_u16_ints(cJSON *o, const char *key, struct tg_view list, bool pretty)
{
    struct int_list l;
    list_start(&l, pretty);
    for (size_t i = 0; i < tg_u16_list_count(list); i++)
        list_put(&l, tg_u16_list_at(list, i));
    list_add(o, key, &l);
}

static void add_u8_ints(cJSON *o, const char *key, struct tg_view list, bool pretty)
{
    struct int_list l;
    list_start(&l, pretty);
    for (size_t i = 0; i < list.len; i++)
        list_put(&l, tg_view_at(list, i));
    list_add(o, key, &l);
}

/* Wire text is not trusted to be UTF-8: bytes outside printable ASCII are
 * written as '?', so every record stays valid JSON text. */
static cJSON *view_string(struct tg_view v)
{
    char stack[256];
    char *text = v.len < sizeof stack ? stack : malloc(v.len + 1);
    if (!text)
        return cJSON_CreateString("");
    for (size_t i = 0; i < v.len; i++) {
        uint8_t b = tg_view_at(v, i);
        text[i] = (char)(b >= 0x20 && b < 0x7f ? b : '?');
    }
    text[v.len] = '\0';
    cJSON *item = cJSON_CreateString(text);
    if (text != stack)
        free(text);
    return item;
}

static void add_string_view(cJSON *o, const char *key, struct tg_view v)
{
    (void)add_item(o, key, view_string(v));
}

static void add_alpn_list(cJSON *o, const char *key, struct tg_view list)
{
    cJSON *a = add_array(o, key);
    struct tg_rd r = tg_rd_of(list);
    struct tg_view name;
    while (tg_alpn_next(&r, &name))
        cJSON_AddItemToArray(a, view_string(name));
}

/* ------------------------------------------------------------- the hellos */

/* Every extension type of a hello, in order, from the block as sent (the
 * dissectors' arrays keep only the first TG_CH/TG_SH_MAX_EXTENSIONS); like
 * the dissectors, an entry that overruns the block ends the list. */
static void add_extension_types(cJSON *o, struct tg_view block, bool pretty)
{
    struct int_list l;
    list_start(&l, pretty);
    struct tg_rd r = tg_rd_of(block);
    while (tg_rd_left(&r) > 0) {
        uint16_t type = tg_rd_u16(&r);
        (void)tg_rd_vec16(&r);
        if (r.err)
            break;
        list_put(&l, type);
    }
    list_add(o, "extensions", &l);
}

static void add_client_hello(cJSON *o, const char *key, const struct tg_client_hello *ch,
                             uint16_t record_version, uint32_t length, bool pretty)
{
    cJSON *c = add_object(o, key);
    if (record_version)
        add_version(c, "record_version", record_version);
    add_version(c, "version", ch->legacy_version);
    add_hex(c, "random", ch->random);
    add_hex(c, "session_id", ch->session_id);
    if (ch->sslv2) {
        struct int_list l;
        list_start(&l, pretty);
        struct tg_rd r = tg_rd_of(ch->cipher_suites);
        while (tg_rd_left(&r) >= 3)
            list_put(&l, tg_rd_u24(&r));
        list_add(c, "cipher_suites", &l);
    } else {
        add_u16_ints(c, "cipher_suites", ch->cipher_suites, pretty);
        add_u8_ints(c, "compression_methods", ch->compression_methods, pretty);
    }
    if (ch->has_extensions_block)
        add_extension_types(c, ch->extensions_block, pretty);
    if (ch->has_supported_versions)
        add_u16_names(c, "supported_versions", ch->supported_versions, tg_name_version, pretty);
    if (ch->has_supported_groups)
        add_u16_names(c, "supported_groups", ch->supported_groups, tg_name_group, pretty);
    if (ch->has_ec_point_formats)
        add_u8_ints(c, "ec_point_formats", ch->ec_point_formats, pretty);
    if (ch->has_signature_algorithms)
        add_u16_names(c, "signature_algorithms", ch->signature_algorithms, tg_name_sigscheme,
                      pretty);
    if (ch->has_key_share) {
        cJSON *a = add_array(c, "key_share_groups");
        for (size_t i = 0; i < ch->n_key_share_groups; i++)
            cJSON_AddItemToArray(
                a, name_or_hex(tg_name_group(ch->key_share_groups[i]), ch->key_share_groups[i]));
    }
    if (ch->has_psk_key_exchange_modes)
        add_u8_ints(c, "psk_key_exchange_modes", ch->psk_key_exchange_modes, pretty);
    if (ch->has_alpn)
        add_alpn_list(c, "alpn", ch->alpn);
    if (ch->sni.len)
        add_string_view(c, "sni", ch->sni);
    add_bool(c, "session_ticket", ch->session_ticket);
    add_bool(c, "pre_shared_key", ch->pre_shared_key);
    add_bool(c, "early_data", ch->early_data);
    add_bool(c, "ech", ch->ech);
    add_bool(c, "sslv2_compatible", ch->sslv2);
    add_int(c, "length", (int64_t)length);
}

static void add_server_hello(cJSON *o, const struct tg_server_hello *sh, uint32_t length,
                             bool pretty)
{
    cJSON *c = add_object(o, "server_hello");
    add_version(c, "version", sh->legacy_version);
    if (sh->selected_version)
        add_version(c, "selected_version", sh->selected_version);
    add_hex(c, "random", sh->random);
    add_hex(c, "session_id", sh->session_id);
    add_int(c, "cipher_suite", (int64_t)sh->cipher_suite);
    add_int(c, "compression_method", (int64_t)sh->compression_method);
    add_extension_types(c, sh->extensions_block, pretty);
    if (sh->has_alpn)
        add_string_view(c, "alpn", sh->alpn);
    if (sh->has_key_share)
        add_named(c, "key_share_group", tg_name_group(sh->key_share_group), sh->key_share_group);
    add_bool(c, "pre_shared_key", sh->pre_shared_key);
    add_int(c, "length", (int64_t)length);
}

/* ---------------------------------------------------------- certificates */

static void add_cert(cJSON *a, const struct tg_x509_summary *x)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToArray(a, c);
    if (x->parsed) {
        add_str(c, "subject", x->subject);
        add_str(c, "issuer", x->issuer);
        add_str(c, "serial", x->serial);
        if (x->not_before[0])
            add_time(c, "not_before", (int64_t)x->not_before_t * 1000000);
        if (x->not_after[0])
            add_time(c, "not_after", (int64_t)x->not_after_t * 1000000);
        if (x->n_san_dns) {
            cJSON *d = add_array(c, "san_dns");
            for (size_t i = 0; i < x->n_san_dns; i++)
                cJSON_AddItemToArray(d, cJSON_CreateString(x->san_dns[i]));
        }
        if (x->n_san_ip) {
            cJSON *d = add_array(c, "san_ip");
            for (size_t i = 0; i < x->n_san_ip; i++)
                cJSON_AddItemToArray(d, cJSON_CreateString(x->san_ip[i]));
        }
        if (x->key_type[0])
            add_str(c, "key_type", x->key_type);
        if (x->key_bits)
            add_int(c, "key_bits", (int64_t)x->key_bits);
        if (x->curve[0])
            add_str(c, "curve", x->curve);
        if (x->signature_algorithm[0])
            add_str(c, "signature_algorithm", x->signature_algorithm);
    }
    add_str(c, "sha1", x->sha1);
    add_str(c, "sha256", x->sha256);
    if (x->parsed) {
        add_bool(c, "self_signed", x->self_signed);
        add_bool(c, "is_ca", x->is_ca);
    } else {
        add_bool(c, "parse_error", true);
    }
}

/* The caps a certificate's summary hit, as the record's errors. */
static void note_truncation(struct tg_session *s, unsigned truncated)
{
    if (truncated & (TG_X509_TRUNC_SUBJECT | TG_X509_TRUNC_ISSUER))
        tg_session_error(s, TG_ERR_CERT_NAME_TRUNCATED);
    if (truncated & TG_X509_TRUNC_SERIAL)
        tg_session_error(s, TG_ERR_CERT_SERIAL_TRUNCATED);
    if (truncated &
        (TG_X509_TRUNC_SAN_DNS_NAME | TG_X509_TRUNC_SAN_DNS_COUNT | TG_X509_TRUNC_SAN_IP_COUNT))
        tg_session_error(s, TG_ERR_CERT_SAN_TRUNCATED);
    if (truncated & TG_X509_TRUNC_OTHER)
        tg_session_error(s, TG_ERR_CERT_FIELD_TRUNCATED);
}

/* A chain's certificates as sent, leaf first: views into the session's copy. */
struct chain_ders {
    struct tg_view der[TG_MAX_CHAIN];
    size_t n;
};

/* Writes the chain under `key`; with `facts` and `ders` (the server's chain),
 * also feeds the risk facts and keeps the DER views for validation. */
static void add_chain(struct tg_report *r, cJSON *o, const char *key, struct tg_session *s,
                      const struct tg_chain *chain, struct tg_risk_facts *facts,
                      struct chain_ders *ders)
{
    if (!chain->present)
        return;
    struct tg_certificate_iter it;
    if (tg_certificate_open(chain->body, chain->tls13, &it) != TG_OK) {
        tg_session_error(s, TG_ERR_MALFORMED_CERTIFICATE);
        return;
    }
    cJSON *a = add_array(o, key);
    struct tg_view der;
    size_t n = 0;
    while (tg_certificate_next(&it, &der)) {
        if (n++ >= TG_MAX_CHAIN) {
            tg_session_error(s, TG_ERR_TOO_MANY_CERTIFICATES);
            continue;
        }
        const struct tg_x509_summary *x = tg_x509_cached(r->certs, der);
        if (!x->parsed)
            tg_session_error(s, TG_ERR_CERTIFICATE_PARSE);
        note_truncation(s, x->truncated);
        add_cert(a, x);
        if (facts)
            tg_risk_facts_add_cert(facts, x);
        if (ders)
            ders->der[ders->n++] = der;
    }
    if (tg_certificate_status(&it) != TG_OK)
        tg_session_error(s, TG_ERR_MALFORMED_CERTIFICATE);
}

/* `validation` of the server chain at the flow's first packet, and the
 * facts the risks need: the verdict, and the leaf checked against the SNI
 * of the ClientHello the ServerHello answered. */
static void add_validation(cJSON *o, struct tg_report *r, const struct tg_flow *f,
                           const struct chain_ders *chain, struct tg_risk_facts *facts)
{
    const struct tg_session *s = f->sess;
    const struct tg_client_hello *last = s->ch2 ? s->ch2 : s->have_ch ? &s->ch : NULL;
    if (!chain->n)
        return;
    if (facts->leaf && last && last->sni.len)
        tg_risk_facts_set_hostname(facts, tg_validate_hostname(chain->der[0], last->sni));
    struct tg_validation v;
    if (r->validator && tg_validate_chain(r->validator, chain->der, chain->n, f->ts_first, &v)) {
        add_str(o, "validation", v.reason);
        tg_risk_facts_set_validation(facts, &v);
    }
}

/* Our risks; returns the "risks" array, NULL when there are none. */
static cJSON *add_risks(cJSON *o, const struct tg_session *s, const struct tg_risk_facts *facts)
{
    uint32_t risks = tg_risks_compute(s, facts);
    if (!risks)
        return NULL; /* docs/record.md: present when there is something to report */
    cJSON *a = add_array(o, "risks");
    for (int i = 0; i < TG_RISK_COUNT; i++)
        if (risks & TG_RISK_BIT(i))
            cJSON_AddItemToArray(a, cJSON_CreateStringReference(tg_risk_name((enum tg_risk)i)));
    return a;
}

/* nDPI's application name, and its risks as "ndpi_<name>" after ours (in
 * `risks`, the array add_risks made, or a new one). */
static void add_ndpi(cJSON *o, const struct tg_session *s, cJSON *risks)
{
    if (!s->ndpi.done)
        return;
    if (s->ndpi.app[0])
        add_str(o, "app_protocol", s->ndpi.app);
    uint64_t left = s->ndpi.risks;
    const char *name;
    while ((name = tg_ndpi_risk_next(&left))) {
        if (!risks)
            risks = add_array(o, "risks");
        char text[64] = "ndpi_";
        size_t n = strlen(name);
        if (n > sizeof text - sizeof "ndpi_")
            n = sizeof text - sizeof "ndpi_";
        memcpy(text + sizeof "ndpi_" - 1, name, n);
        text[sizeof "ndpi_" - 1 + n] = '\0';
        cJSON_AddItemToArray(risks, cJSON_CreateString(text));
    }
}

/* ------------------------------------------------- key exchange and more */

static enum tg_kex session_kex(const struct tg_session *s)
{
    return s->have_sh ? tg_cipher_kex(s->sh.cipher_suite) : TG_KEX_UNKNOWN;
}

static void add_kex(cJSON *o, enum tg_kex kex)
{
    if (kex != TG_KEX_UNKNOWN)
        add_const(o, "kex", tg_cipher_kex_name(kex));
}

/*
 * The RFC 7919 group whose prime a DHE ServerKeyExchange sent, or 0. The
 * five primes (RFC 7919 appendix A: p = 2^b - 2^(b-64) + ({2^(b-130) e} + X)
 * * 2^64 - 1) are known here by the SHA-256 of their big-endian bytes,
 * computed from the RFC's formula and checked against its hex; the
 * generator is 2 for all of them.
 */
static uint16_t ffdhe_group(const struct tg_server_key_exchange *ske)
{
    static const struct {
        uint16_t group;
        size_t bytes;
        const char *sha256;
    } primes[] = {
        {256, 256, "9cd3b7f336872f46c09428d1bbc19877a4d440512cda8d1c1cf0cd6e33698966"},
        {257, 384, "0eaf67db3a839156d5013494a5318a772b5697d270d721f37f092efc69ea5a17"},
        {258, 512, "4648414224ac881b3d0dc59b466f96d06a558278776807797ecf1f66ff397b3e"},
        {259, 768, "227ac9066b3ddd9e193670cda2388fa884f65ba0cf98b742d1fe77a6687c79c7"},
        {260, 1024, "770b14efaf6f049929c523113b3fa99a8d11dab1b18af3609590122075d19833"},
    };
    struct tg_rd g = tg_rd_of(ske->dh_g);
    while (tg_rd_left(&g) > 1 && tg_view_at(tg_rd_peek(&g, 1), 0) == 0)
        tg_rd_skip(&g, 1); /* leading zero octets */
    if (tg_rd_left(&g) != 1 || tg_rd_u8(&g) != 2)
        return 0;
    uint8_t digest[TG_SHA256_LEN];
    char hex[2 * TG_SHA256_LEN + 1];
    for (size_t i = 0; i < sizeof primes / sizeof primes[0]; i++) {
        if (ske->dh_p.len != primes[i].bytes)
            continue;
        if (!tg_digest_sha256(ske->dh_p, digest))
            return 0;
        for (size_t k = 0; k < TG_SHA256_LEN; k++)
            snprintf(hex + 2 * k, 3, "%02x", digest[k]);
        return strcmp(hex, primes[i].sha256) == 0 ? primes[i].group : 0;
    }
    return 0;
}

/* Adds server_key_exchange; returns the named group it carries, or 0. */
static uint16_t add_ske(cJSON *o, struct tg_session *s)
{
    if (!s->ske.present || !s->have_sh)
        return 0;
    struct tg_server_key_exchange ske;
    enum tg_kex kex = session_kex(s);
    if (tg_server_key_exchange_parse(s->ske.body, kex, s->version, &ske) != TG_OK) {
        tg_session_error(s, TG_ERR_MALFORMED_SERVER_KEY_EXCHANGE);
        return 0;
    }
    cJSON *c = add_object(o, "server_key_exchange");
    add_kex(c, kex);
    uint16_t group = 0;
    if (ske.params == TG_SKE_ECDH && ske.curve_type == TG_EC_NAMED_CURVE) {
        group = ske.group;
        add_named(c, "group", tg_name_group(group), group);
        add_int(c, "point_length", (int64_t)ske.point.len);
    }
    if (ske.params == TG_SKE_DH) {
        group = ffdhe_group(&ske);
        if (group)
            add_named(c, "group", tg_name_group(group), group);
        add_int(c, "dh_bits", (int64_t)ske.dh_bits);
    }
    if (ske.params == TG_SKE_RSA)
        add_int(c, "rsa_bits", (int64_t)ske.rsa_bits);
    if (ske.has_signature && !ske.sig_alg_implied)
        add_named(c, "signature_algorithm", tg_name_sigscheme(ske.sig_scheme), ske.sig_scheme);
    return group;
}

static void add_cke(cJSON *o, struct tg_session *s)
{
    if (!s->cke.present || !s->have_sh)
        return;
    struct tg_client_key_exchange cke;
    enum tg_kex kex = session_kex(s);
    if (tg_client_key_exchange_parse(s->cke.body, kex, s->version, &cke) != TG_OK) {
        tg_session_error(s, TG_ERR_MALFORMED_CLIENT_KEY_EXCHANGE);
        return;
    }
    cJSON *c = add_object(o, "client_key_exchange");
    add_kex(c, kex);
    add_int(c, "length", (int64_t)cke.key.len);
}

static void add_cert_request(cJSON *o, struct tg_session *s, bool pretty)
{
    if (!s->cert_request.present)
        return;
    struct tg_certificate_request cr;
    if (tg_certificate_request_parse(s->cert_request.body, s->version, &cr) != TG_OK) {
        tg_session_error(s, TG_ERR_MALFORMED_CERTIFICATE_REQUEST);
        return;
    }
    cJSON *c = add_object(o, "certificate_request");
    if (!cr.is_tls13) {
        cJSON *a = add_array(c, "certificate_types");
        for (size_t i = 0; i < cr.certificate_types.len; i++) {
            uint8_t t = tg_view_at(cr.certificate_types, i);
            cJSON_AddItemToArray(a, name_or_hex(tg_name_cert_type(t), t));
        }
    }
    if (cr.has_signature_algorithms)
        add_u16_names(c, "signature_algorithms", cr.signature_algorithms, tg_name_sigscheme,
                      pretty);
    if (cr.has_certificate_authorities) {
        cJSON *a = add_array(c, "ca_names");
        struct tg_rd list = tg_rd_of(cr.certificate_authorities);
        struct tg_view dn;
        char text[TG_X509_NAME_MAX];
        bool cut;
        while (tg_ca_name_next(&list, &dn)) {
            if (tg_x509_name_text(dn, text, sizeof text, &cut))
                cJSON_AddItemToArray(a, cJSON_CreateString(text));
            else
                tg_session_error(s, TG_ERR_MALFORMED_CERTIFICATE_REQUEST);
            if (cut)
                tg_session_error(s, TG_ERR_CERT_NAME_TRUNCATED);
        }
    }
}

static void add_cert_verify(cJSON *o, struct tg_session *s)
{
    if (!s->cert_verify.present)
        return;
    struct tg_certificate_verify cv;
    if (tg_certificate_verify_parse(s->cert_verify.body, s->version, &cv) != TG_OK) {
        tg_session_error(s, TG_ERR_MALFORMED_CERTIFICATE_VERIFY);
        return;
    }
    cJSON *c = add_object(o, "certificate_verify");
    if (cv.has_scheme)
        add_named(c, "signature_algorithm", tg_name_sigscheme(cv.scheme), cv.scheme);
    add_int(c, "signature_length", (int64_t)cv.signature.len);
}

static void add_ticket(cJSON *o, struct tg_session *s)
{
    if (!s->ticket.present)
        return;
    struct tg_new_session_ticket t;
    if (tg_new_session_ticket_parse(s->ticket.body, tg_version_is_tls13(s->version), &t) != TG_OK) {
        tg_session_error(s, TG_ERR_MALFORMED_NEW_SESSION_TICKET);
        return;
    }
    cJSON *c = add_object(o, "new_session_ticket");
    add_int(c, "lifetime_hint", (int64_t)t.lifetime);
    add_int(c, "ticket_length", (int64_t)t.ticket.len);
}

/* ---------------------------------------------------- messages and alerts */

static const char *side_name(const struct tg_session *s, int dir)
{
    return tg_session_side(s, dir) == 0 ? "client" : "server";
}

static const char *event_type(const struct tg_event *e)
{
    switch (e->kind) {
    case TG_EV_CCS:
        return "change_cipher_spec";
    case TG_EV_ALERT:
        return "alert";
    case TG_EV_ENCRYPTED:
        return "encrypted_handshake";
    default:
        break;
    }
    if (e->hrr)
        return "hello_retry_request";
    return tg_name_handshake(e->hs_type);
}

static void add_messages(cJSON *o, const struct tg_session *s)
{
    cJSON *a = add_array(o, "messages");
    for (uint32_t i = 0; i < s->n_events; i++) {
        const struct tg_event *e = &s->events[i];
        cJSON *m = cJSON_CreateObject();
        add_const(m, "from", side_name(s, e->dir));
        add_named(m, "type", event_type(e), e->hs_type);
        add_time(m, "ts", e->ts);
        add_int(m, "length", (int64_t)e->length);
        cJSON_AddItemToArray(a, m);
    }
}

static void add_alerts(cJSON *o, const struct tg_session *s)
{
    if (!s->n_alerts)
        return;
    cJSON *a = add_array(o, "alerts");
    for (uint32_t i = 0; i < s->n_alerts; i++) {
        const struct tg_alert_event *e = &s->alerts[i];
        cJSON *m = cJSON_CreateObject();
        add_const(m, "from", side_name(s, e->dir));
        if (e->encrypted) {
            add_bool(m, "encrypted", true);
        } else {
            const char *level = tg_alert_level_name(e->level);
            if (level) /* the session notes any other level as malformed */
                add_const(m, "level", level);
            add_named(m, "description", tg_name_alert(e->description), e->description);
        }
        add_time(m, "ts", e->ts);
        cJSON_AddItemToArray(a, m);
    }
}

static void add_reassembly(cJSON *o, const struct tg_flow *f)
{
    cJSON *c = add_object(o, "reassembly");
    const struct tg_reasm_counters *a = &f->rs[0].c, *b = &f->rs[1].c;
    add_int(c, "out_of_order", (int64_t)a->out_of_order + b->out_of_order);
    add_int(c, "retransmitted", (int64_t)a->retransmitted + b->retransmitted);
    add_int(c, "overlaps", (int64_t)a->overlaps + b->overlaps);
    add_int(c, "gaps", (int64_t)a->gaps + b->gaps);
    add_int(c, "gap_bytes", (int64_t)(a->gap_bytes + b->gap_bytes));
}

static void add_errors(cJSON *o, const struct tg_session *s)
{
    cJSON *a = add_array(o, "errors");
    for (int e = 0; e < TG_ERR_COUNT; e++)
        if (s->errors & TG_ERR_BIT(e))
            cJSON_AddItemToArray(a, cJSON_CreateStringReference(tg_err_name((enum tg_err)e)));
}

/* ---------------------------------------------------------- fingerprints */

#define FP_STACK 1024 /* fingerprint strings up to this size need no malloc */

/* A fingerprint in one shape: the hello, its string into str[cap], its hash. */
typedef enum tg_status (*fp_fn)(const void *hello, char *str, size_t cap, char *hash);

/* The size a hello's fingerprint string needs (its tg_*_size()). */
typedef size_t (*fp_size_fn)(const void *hello);

/*
 * fp's hash of `hello` under hash_key and, when str_key is not NULL, its
 * string under str_key; nothing when the hello has no such fingerprint.
 * The string is written on the stack; only one longer than FP_STACK (a
 * hello with hundreds of suites) is measured by `size` and written again
 * into a malloc'd buffer.
 */
static void add_fingerprint(cJSON *o, fp_fn fp, fp_size_fn size, const void *hello,
                            const char *hash_key, const char *str_key)
{
    _Static_assert(TG_JA4_SIZE >= TG_JA3_HASH_SIZE, "hash holds a JA4 or a JA3 MD5");
    char stack[FP_STACK], hash[TG_JA4_SIZE];
    char *str = stack;
    enum tg_status st = fp(hello, stack, sizeof stack, hash);
    if (st == TG_E_LIMIT) {
        size_t need = size(hello);
        str = need > sizeof stack ? malloc(need) : NULL;
        st = str ? fp(hello, str, need, hash) : TG_E_NOMEM;
    }
    if (st == TG_OK) {
        add_str(o, hash_key, hash);
        if (str_key)
            add_str(o, str_key, str);
    }
    if (str != stack)
        free(str);
}

static enum tg_status ja3_fp(const void *ch, char *str, size_t cap, char *hash)
{
    return tg_ja3(ch, str, cap, hash);
}

static enum tg_status ja4_fp(const void *ch, char *str, size_t cap, char *hash)
{
    return tg_ja4(ch, 't', hash, str, cap); /* JA4 of TLS over TCP */
}

static enum tg_status ja3s_fp(const void *sh, char *str, size_t cap, char *hash)
{
    return tg_ja3s(sh, str, cap, hash);
}

static size_t ja3_size(const void *ch)
{
    return tg_ja3_size(ch);
}

static size_t ja4_r_size(const void *ch)
{
    return tg_ja4_r_size(ch);
}

static size_t ja3s_size(const void *sh)
{
    return tg_ja3s_size(sh);
}

/* JA3 (+ ja3_string when `strings`) of a ClientHello; nothing when it has none. */
static void add_ja3(cJSON *o, const struct tg_client_hello *ch, bool strings)
{
    add_fingerprint(o, ja3_fp, ja3_size, ch, "ja3", strings ? "ja3_string" : NULL);
}

/* JA4 (+ ja4_r when `strings`) of a ClientHello over TCP. */
static void add_ja4(cJSON *o, const struct tg_client_hello *ch, bool strings)
{
    add_fingerprint(o, ja4_fp, ja4_r_size, ch, "ja4", strings ? "ja4_r" : NULL);
}

/* JA3S and ja3s_string of a ServerHello; nothing when it has none. */
static void add_ja3s(cJSON *o, const struct tg_server_hello *sh)
{
    add_fingerprint(o, ja3s_fp, ja3s_size, sh, "ja3s", "ja3s_string");
}

static void add_fingerprints(cJSON *o, const struct tg_session *s)
{
    if (s->have_ch) {
        add_ja3(o, &s->ch, true);
        add_ja4(o, &s->ch, true);
    }
    if (s->have_sh)
        add_ja3s(o, &s->sh);
    cJSON *retry = s->ch2 ? cJSON_GetObjectItemCaseSensitive(o, "retry_client_hello") : NULL;
    if (retry) { /* the contract: its own ja3 and ja4 */
        add_ja3(retry, s->ch2, false);
        add_ja4(retry, s->ch2, false);
    }
}

/* ------------------------------------------------------------- top level */

/* Unique within a run and the same for the same input: base62 of a mix of
 * the flow's creation order and first timestamp. */
static void add_uid(cJSON *o, const struct tg_flow *f)
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    uint64_t x = f->serial * 0x9e3779b97f4a7c15ULL ^ (uint64_t)f->ts_first;
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 29;
    char text[32] = "T";
    for (int i = 1; i < 12; i++) {
        text[i] = digits[x % 62];
        x /= 62;
    }
    /* The serial in hex keeps it unique even if two mixes collided. */
    int shift = 60;
    while (shift > 0 && !(f->serial >> shift))
        shift -= 4;
    size_t n = 12;
    for (; shift >= 0; shift -= 4)
        text[n++] = "0123456789abcdef"[f->serial >> shift & 15u];
    text[n] = '\0';
    add_str(o, "uid", text);
}

static void add_endpoints(cJSON *o, const struct tg_flow *f, const struct tg_session *s)
{
    int c = s->client_dir < 0 ? 0 : s->client_dir;
    add_ip(o, "client_ip", f->addr[c], f->ip_version);
    add_int(o, "client_port", (int64_t)f->port[c]);
    add_ip(o, "server_ip", f->addr[1 - c], f->ip_version);
    add_int(o, "server_port", (int64_t)f->port[1 - c]);
    add_int(o, "ip_version", (int64_t)f->ip_version);
    add_const(o, "transport", "tcp");
    if (f->n_vlan) {
        cJSON *a = add_array(o, "vlan");
        for (int i = 0; i < f->n_vlan; i++)
            cJSON_AddItemToArray(a, json_int((int64_t)f->vlan[i]));
    }
}

static bool is_resumed(const struct tg_session *s)
{
    const char *state = tg_session_state(s);
    return strcmp(state, "resumed") == 0;
}

static void add_negotiation(cJSON *o, struct tg_report *r, struct tg_session *s)
{
    const struct tg_client_hello *ch = s->have_ch ? &s->ch : NULL;
    if (s->version)
        add_version(o, "version", s->version);
    if (s->have_sh) {
        add_named(o, "cipher", tg_name_cipher(s->sh.cipher_suite), s->sh.cipher_suite);
        add_int(o, "cipher_id", (int64_t)s->sh.cipher_suite);
    }
    const struct tg_client_hello *last = s->ch2 ? s->ch2 : ch;
    if (last && last->sni.len)
        add_string_view(o, "sni", last->sni);
    if (s->have_sh && s->sh.has_alpn)
        add_string_view(o, "alpn", s->sh.alpn);
    if (s->have_sh) {
        bool resumed = is_resumed(s);
        add_bool(o, "resumed", resumed);
        if (resumed) {
            const char *how = tg_version_is_tls13(s->version)  ? "psk"
                              : (last && last->session_ticket) ? "ticket"
                                                               : "session_id";
            add_const(o, "resumption", how);
        }
    }
    if (s->have_sh || s->have_hrr)
        add_bool(o, "hello_retry_request", s->have_hrr);
    if (s->ch2)
        add_client_hello(o, "retry_client_hello", s->ch2, s->ch2_record_version, s->ch2_length,
                         r->pretty);
    uint16_t group = add_ske(o, s);
    if (s->have_sh && tg_version_is_tls13(s->version) && s->sh.has_key_share)
        group = s->sh.key_share_group;
    if (group)
        add_named(o, "group", tg_name_group(group), group);
    if (ch && ch->early_data)
        add_const(o, "early_data", "offered");
    (void)r;
}

static cJSON *build(struct tg_report *r, const struct tg_flow *f)
{
    struct tg_session *s = f->sess;
    cJSON *o = cJSON_CreateObject();
    add_const(o, "type", "tls");
    add_int(o, "schema_version", (int64_t)1);
    add_uid(o, f);
    add_time(o, "ts", f->ts_first);
    add_time(o, "ts_end", f->ts_last);
    add_endpoints(o, f, s);
    add_const(o, "state", tg_session_state(s));
    add_negotiation(o, r, s);
    add_fingerprints(o, s);
    int c = s->client_dir < 0 ? 0 : s->client_dir;
    if (s->have_ch)
        add_client_hello(o, "client_hello", &s->ch, s->tls[c].first_version, s->ch_length,
                         r->pretty);
    if (s->have_sh)
        add_server_hello(o, &s->sh, s->sh_length, r->pretty);
    struct tg_risk_facts facts;
    struct chain_ders ders = {.n = 0};
    tg_risk_facts_init(&facts, f->ts_first);
    add_chain(r, o, "server_certificates", s, &s->server_chain, &facts, &ders);
    add_chain(r, o, "client_certificates", s, &s->client_chain, NULL, NULL);
    add_validation(o, r, f, &ders, &facts);
    add_cke(o, s);
    add_cert_request(o, s, r->pretty);
    add_cert_verify(o, s);
    add_ticket(o, s);
    add_alerts(o, s);
    add_messages(o, s);
    if (s->established)
        add_ms(o, "handshake_ms", s->ts_client_hello, s->ts_done);
    if (s->have_ch)
        add_ms(o, "rtt_ms", s->ts_client_hello, s->ts_server_hello);
    add_int(o, "client_bytes", (int64_t)f->bytes[c]);
    add_int(o, "server_bytes", (int64_t)f->bytes[1 - c]);
    add_int(o, "client_packets", (int64_t)f->packets[c]);
    add_int(o, "server_packets", (int64_t)f->packets[1 - c]);
    add_reassembly(o, f);
    add_ndpi(o, s, add_risks(o, s, &facts));
    add_errors(o, s); /* last: the dissectors above may have added some */
    return o;
}

/* The record's text into r->buf, with a byte to spare for the newline, and
 * its length in *n; false when it does not fit. --pretty records are
 * indented by cJSON; the others, most of the cost of writing, come from
 * jsonwrite.c, which writes the same bytes as cJSON_PrintUnformatted. */
static bool print_record(struct tg_report *r, cJSON *o, size_t *n)
{
    if (r->pretty) {
        if (!cJSON_PrintPreallocated(o, r->buf, (int)(r->cap - 1), true))
            return false;
        *n = strlen(r->buf);
        return true;
    }
    *n = tg_jsonwrite_print(o, r->buf, r->cap);
    return *n < r->cap;
}

static void write_line(struct tg_report *r, cJSON *o)
{
    size_t n = 0;
    while (!print_record(r, o, &n)) {
        size_t cap = r->cap * 2;
        char *b = cap <= (1u << 28) ? realloc(r->buf, cap) : NULL;
        if (!b) {
            tg_log("a record too large to write was dropped");
            return;
        }
        r->buf = b;
        r->cap = cap;
    }
    r->buf[n++] = '\n';
    if (r->sink)
        r->sink(r->sink_ctx, r->buf, n);
    else
        tg_report_line(r, r->buf, n);
}

void tg_report_line(struct tg_report *r, const char *line, size_t n)
{
    if (r->failed)
        return;
    if (tg_output_line(&r->out, line, n) != TG_OK) {
        if (!r->out.failed) {
            tg_log("a record too large to buffer was dropped");
            return;
        }
        r->failed = true;
        r->write_errno = r->out.err;
    }
    r->records++;
}

void tg_report_session(struct tg_report *r, const struct tg_flow *f, bool update)
{
    if (!f->sess || !f->sess->saw_hello)
        return;         /* no handshake record was ever seen: not a TLS session */
    tg_jsonmem_begin(); /* the record's nodes come from an arena, dropped at once */
    cJSON *o = build(r, f);
    if (o && update)
        add_bool(o, "update", true);
    if (o)
        write_line(r, o);
    tg_jsonmem_end(o);
}

/* ---- stats records ---- */
/*
 * {"type": "stats"} records share the stream with session records (docs/
 * live.md, "Statistics records"): the caller (live.c) fills the counters,
 * this section knows their keys. Counters are cumulative since the start.
 */

static const char *const state_names[TG_REPORT_STATES] = {
    [TG_REPORT_ESTABLISHED] = "established",
    [TG_REPORT_RESUMED] = "resumed",
    [TG_REPORT_FAILED] = "failed",
    [TG_REPORT_INCOMPLETE] = "incomplete",
};

const char *tg_report_state_name(enum tg_report_state st)
{
    return (unsigned)st < TG_REPORT_STATES ? state_names[st] : "unknown";
}

static void add_count(cJSON *o, const char *key, uint64_t v)
{
    add_int(o, key, v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v);
}

static void stats_capture(cJSON *o, const struct tg_report_stats *s)
{
    if (s->iface)
        add_str(o, "interface", s->iface);
    add_count(o, "packets", s->packets);
    add_count(o, "bytes", s->bytes);
    if (!s->have_pcap)
        return;
    add_count(o, "pcap_received", s->pcap_received);
    add_count(o, "drops_kernel", s->drops_kernel);
    add_count(o, "drops_interface", s->drops_interface);
}

static void stats_sessions(cJSON *o, const struct tg_report_stats *s)
{
    add_count(o, "flows", s->flows);
    add_count(o, "flows_created", s->flows_created);
    add_count(o, "flows_evicted", s->flows_evicted);
    add_count(o, "sessions", s->sessions);
    add_count(o, "records", s->records);
    cJSON *states = add_object(o, "states");
    for (int i = 0; i < TG_REPORT_STATES; i++)
        add_count(states, state_names[i], s->states[i]);
    cJSON *errors = add_object(o, "errors"); /* only the errors seen */
    for (int e = 0; e < TG_ERR_COUNT; e++)
        if (s->errors[e])
            add_count(errors, tg_err_name((enum tg_err)e), s->errors[e]);
}

/* Resident memory, and the memory the analyzer accounts (what
 * --max-memory bounds). */
static void stats_memory(cJSON *o, const struct tg_report_stats *s)
{
    add_count(o, "rss_bytes", s->rss_bytes);
    add_count(o, "peak_rss_bytes", s->peak_rss_bytes);
    if (!s->caps)
        return;
    add_count(o, "accounted_bytes", s->caps->memory_bytes);
    add_count(o, "accounted_peak_bytes", s->caps->memory_peak_bytes);
    add_count(o, "max_memory_bytes", s->caps->memory_max_bytes);
}

/* How often each cap was hit (docs/limits.md): one line per counter of
 * struct tg_cap_counters. */
static void stats_caps(cJSON *o, const struct tg_cap_counters *c)
{
    if (!c)
        return;
    cJSON *caps = add_object(o, "caps");
    add_count(caps, "flows_evicted_flow_cap", c->flows_evicted_flow_cap);
    add_count(caps, "flows_evicted_memory", c->flows_evicted_memory);
    add_count(caps, "flows_closed_early", c->flows_closed_early);
    add_count(caps, "reasm_dir_cap", c->reasm_dir_cap);
    add_count(caps, "reasm_total_cap", c->reasm_total_cap);
    add_count(caps, "handshake_too_large", c->handshake_too_large);
    add_count(caps, "too_many_certificates", c->too_many_certificates);
    add_count(caps, "too_many_extensions", c->too_many_extensions);
    add_count(caps, "too_many_messages", c->too_many_messages);
    add_count(caps, "session_memory", c->session_memory);
    add_count(caps, "ipfrag_datagram_cap", c->ipfrag_datagram_cap);
    add_count(caps, "ipfrag_byte_cap", c->ipfrag_byte_cap);
    add_count(caps, "ipfrag_fragment_cap", c->ipfrag_fragment_cap);
}

static cJSON *stats_build(const struct tg_report_stats *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_str(o, "type", "stats");
    if (s->ts > 0)
        add_time(o, "ts", s->ts);
    if (s->final)
        add_bool(o, "final", true);
    stats_capture(o, s);
    stats_sessions(o, s);
    stats_memory(o, s);
    stats_caps(o, s->caps);
    return o;
}

/* The text goes in r->buf, as a session record's does: a stats record is
 * a few kilobytes at most, far below its size. */
bool tg_report_stats(struct tg_report *r, const struct tg_report_stats *s)
{
    if (r->failed || !r->buf)
        return false;
    cJSON *o = stats_build(s);
    bool printed = o && cJSON_PrintPreallocated(o, r->buf, (int)(r->cap - 1), r->pretty);
    cJSON_Delete(o);
    if (!printed) {
        tg_log("a stats record could not be made (out of memory)");
        return false;
    }
    size_t n = strlen(r->buf);
    r->buf[n++] = '\n';
    bool ok = tg_output_line(&r->out, r->buf, n) == TG_OK;
    if (!ok && r->out.failed) {
        r->failed = true;
        r->write_errno = r->out.err;
    }
    return ok;
}
