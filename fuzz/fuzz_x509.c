/*
 * fuzz_x509.c - DER bytes into tg_x509_summarize; the text of the input
 * into tg_x509_parse_time. Every string in the summary must end inside its
 * array, and a summary of a parsed certificate must have its hashes.
 */
#include "../analyzer/x509.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bounded(const char *s, size_t cap)
{
    if (memchr(s, '\0', cap) == NULL)
        abort();
}

static void check_summary(const struct tg_x509_summary *s)
{
    bounded(s->subject, sizeof s->subject);
    bounded(s->issuer, sizeof s->issuer);
    bounded(s->serial, sizeof s->serial);
    bounded(s->not_before, sizeof s->not_before);
    bounded(s->not_after, sizeof s->not_after);
    bounded(s->key_type, sizeof s->key_type);
    bounded(s->curve, sizeof s->curve);
    bounded(s->signature_algorithm, sizeof s->signature_algorithm);
    if (strlen(s->sha1) != 40 || strlen(s->sha256) != 64)
        abort();
    if (s->n_san_dns > TG_X509_MAX_SAN_DNS || s->n_san_ip > TG_X509_MAX_SAN_IP ||
        s->n_san_dns > s->n_san_dns_total || s->n_san_ip > s->n_san_ip_total)
        abort();
    for (size_t i = 0; i < s->n_san_dns; i++)
        bounded(s->san_dns[i], sizeof s->san_dns[i]);
    for (size_t i = 0; i < s->n_san_ip; i++)
        bounded(s->san_ip[i], sizeof s->san_ip[i]);
    time_t t;
    if (s->not_before[0] && (!tg_x509_parse_time(s->not_before, &t) || t != s->not_before_t))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tg_x509_summary s;
    struct tg_view der = {data, size};
    tg_x509_summarize(der, &s);
    check_summary(&s);

    char text[32];
    size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
    memcpy(text, data, n);
    text[n] = '\0';
    time_t t;
    (void)tg_x509_parse_time(text, &t);
    return 0;
}
