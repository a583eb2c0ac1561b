/*
 * test_validate.c - unit tests of analyzer/validate.c: chain verification
 * against a CA file, a CA directory and the system store, at chosen times;
 * the result cache; the SNI host name rules.
 *
 * The certificates below were generated once for this test with `openssl
 * genpkey` (EC P-256) and `openssl ca` (fixed dates, SHA-256), in the way
 * captures/make-captures.sh builds its PKI, and are not used elsewhere:
 *   ROOT        CN=tlsglass Unit Root CA, CA, 2020-01-01 .. 2045-01-01
 *   INT         CN=tlsglass Unit Intermediate CA (by ROOT), CA pathlen 0,
 *               2020-01-01 .. 2045-01-01
 *   LEAF        CN=server.tlsglass.test (by INT), serverAuth, SAN
 *               DNS:server.tlsglass.test, DNS:*.tlsglass.test, IP:10.77.0.2,
 *               2025-06-01 .. 2035-06-01
 *   EXPIRED     as LEAF, 2020-01-01 .. 2021-01-01
 *   ODD         CN=odd.tlsglass.test (by INT), SAN DNS:w*.partial.test,
 *               DNS:www.*.middle.test, 2025-06-01 .. 2035-06-01
 *   SELFSIGNED  CN=selfsigned.tlsglass.test, self-signed, CA:false, no SAN,
 *               2025-06-01 .. 2035-06-01
 * The expected reasons are OpenSSL 3.0's X509_verify_cert_error_string()
 * texts, as `openssl verify -attime` prints them for the same chains.
 */
#include "../../analyzer/validate.h"
#include "testkit.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char PEM_ROOT[] = "-----BEGIN CERTIFICATE-----\n"
                               "MIIBozCCAUigAwIBAgICIAAwCgYIKoZIzj0EAwIwODEWMBQGA1UECgwNdGxzZ2xh\n"
                               "c3MgdW5pdDEeMBwGA1UEAwwVdGxzZ2xhc3MgVW5pdCBSb290IENBMB4XDTIwMDEw\n"
                               "MTAwMDAwMFoXDTQ1MDEwMTAwMDAwMFowODEWMBQGA1UECgwNdGxzZ2xhc3MgdW5p\n"
                               "dDEeMBwGA1UEAwwVdGxzZ2xhc3MgVW5pdCBSb290IENBMFkwEwYHKoZIzj0CAQYI\n"
                               "KoZIzj0DAQcDQgAElLuFmrX3VCVNyTITvhwKNCUUbAsV//BFWAyY675raWmPCxgg\n"
                               "lWQEJqHbpjYKt7hD4aDzOXuch4MZwIp3PNtT2aNCMEAwDwYDVR0TAQH/BAUwAwEB\n"
                               "/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYEFDm7Rh56Qsj6CJqE4KyFXZOREboD\n"
                               "MAoGCCqGSM49BAMCA0kAMEYCIQD47Jz6674RlpSZBalCgAavc4368hHqsL+ZRKpc\n"
                               "phh1lwIhALW1YWqWj3QGbpK2ph5Z2rcUyKMKJlrTcx4ZtBQytEij\n"
                               "-----END CERTIFICATE-----\n";
static const char PEM_INT[] = "-----BEGIN CERTIFICATE-----\n"
                              "MIIBzTCCAXSgAwIBAgICIAEwCgYIKoZIzj0EAwIwODEWMBQGA1UECgwNdGxzZ2xh\n"
                              "c3MgdW5pdDEeMBwGA1UEAwwVdGxzZ2xhc3MgVW5pdCBSb290IENBMB4XDTIwMDEw\n"
                              "MTAwMDAwMFoXDTQ1MDEwMTAwMDAwMFowQDEWMBQGA1UECgwNdGxzZ2xhc3MgdW5p\n"
                              "dDEmMCQGA1UEAwwddGxzZ2xhc3MgVW5pdCBJbnRlcm1lZGlhdGUgQ0EwWTATBgcq\n"
                              "hkjOPQIBBggqhkjOPQMBBwNCAAQWnWN3tG2NZ/uHebWLeFZSjYz5YX3IXL8+l98L\n"
                              "l3JsH2jOUi4i0DYxYmNZ2ON8ueRSqNf8Y406SQROTcGaMPlHo2YwZDASBgNVHRMB\n"
                              "Af8ECDAGAQH/AgEAMA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQU/ixVpkidTMFR\n"
                              "zFXL3ut/iD/sVIEwHwYDVR0jBBgwFoAUObtGHnpCyPoImoTgrIVdk5ERugMwCgYI\n"
                              "KoZIzj0EAwIDRwAwRAIgZu7mxrgEvEBwHcE6N9xCLTvLD/Nyp5EM3iZs28C8BNkC\n"
                              "IFzUEaXzbGRCOXxQ+AqYCnuYc5UiQpllGG6P7IUFI4Iv\n"
                              "-----END CERTIFICATE-----\n";
static const char PEM_LEAF[] = "-----BEGIN CERTIFICATE-----\n"
                               "MIICFzCCAbygAwIBAgICIAIwCgYIKoZIzj0EAwIwQDEWMBQGA1UECgwNdGxzZ2xh\n"
                               "c3MgdW5pdDEmMCQGA1UEAwwddGxzZ2xhc3MgVW5pdCBJbnRlcm1lZGlhdGUgQ0Ew\n"
                               "HhcNMjUwNjAxMDAwMDAwWhcNMzUwNjAxMDAwMDAwWjA3MRYwFAYDVQQKDA10bHNn\n"
                               "bGFzcyB1bml0MR0wGwYDVQQDDBRzZXJ2ZXIudGxzZ2xhc3MudGVzdDBZMBMGByqG\n"
                               "SM49AgEGCCqGSM49AwEHA0IABF+d9vZQUnOo5D23jmWnOllevJTuczo6jtN2pfzs\n"
                               "e+4Nt4ZrafYfRwcLuGxyi0h3nXx+RltwYOaERso41RBOHuGjga4wgaswDAYDVR0T\n"
                               "AQH/BAIwADAOBgNVHQ8BAf8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwNgYD\n"
                               "VR0RBC8wLYIUc2VydmVyLnRsc2dsYXNzLnRlc3SCDyoudGxzZ2xhc3MudGVzdIcE\n"
                               "Ck0AAjAdBgNVHQ4EFgQUN68ftzrdCYMQsw3iOIQ6p9oUM4gwHwYDVR0jBBgwFoAU\n"
                               "/ixVpkidTMFRzFXL3ut/iD/sVIEwCgYIKoZIzj0EAwIDSQAwRgIhAIgSE2KwX6DP\n"
                               "/Y4dnk9wkJh6WlGWkt4p9JSnQpxSdWb/AiEA0kPlmNcF1N233reH0noEHCPIw0J5\n"
                               "lodrkNrJsrWvU48=\n"
                               "-----END CERTIFICATE-----\n";
static const char PEM_EXPIRED[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICFTCCAbygAwIBAgICIAMwCgYIKoZIzj0EAwIwQDEWMBQGA1UECgwNdGxzZ2xh\n"
    "c3MgdW5pdDEmMCQGA1UEAwwddGxzZ2xhc3MgVW5pdCBJbnRlcm1lZGlhdGUgQ0Ew\n"
    "HhcNMjAwMTAxMDAwMDAwWhcNMjEwMTAxMDAwMDAwWjA3MRYwFAYDVQQKDA10bHNn\n"
    "bGFzcyB1bml0MR0wGwYDVQQDDBRzZXJ2ZXIudGxzZ2xhc3MudGVzdDBZMBMGByqG\n"
    "SM49AgEGCCqGSM49AwEHA0IABNNdVoLy393jNn4o+xpjXkPWoImCtUgtm6upy+a3\n"
    "3GI0DyJC+4noNofk46U0LGiUdMaahOjMsFuTRwOW7L5zuPKjga4wgaswDAYDVR0T\n"
    "AQH/BAIwADAOBgNVHQ8BAf8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwNgYD\n"
    "VR0RBC8wLYIUc2VydmVyLnRsc2dsYXNzLnRlc3SCDyoudGxzZ2xhc3MudGVzdIcE\n"
    "Ck0AAjAdBgNVHQ4EFgQUU78qWqKLJ4hpNKHrozsH835mi7YwHwYDVR0jBBgwFoAU\n"
    "/ixVpkidTMFRzFXL3ut/iD/sVIEwCgYIKoZIzj0EAwIDRwAwRAIgSR+8kjuRpwTq\n"
    "NvyEmKXJ2+sbsL/xq4a+pcVw1cCeCRsCIE3vStDPf4w6QQ43J5fV5MxTkEiUxkjD\n"
    "npXHvrWufKNO\n"
    "-----END CERTIFICATE-----\n";
static const char PEM_ODD[] = "-----BEGIN CERTIFICATE-----\n"
                              "MIICCTCCAbCgAwIBAgICIAQwCgYIKoZIzj0EAwIwQDEWMBQGA1UECgwNdGxzZ2xh\n"
                              "c3MgdW5pdDEmMCQGA1UEAwwddGxzZ2xhc3MgVW5pdCBJbnRlcm1lZGlhdGUgQ0Ew\n"
                              "HhcNMjUwNjAxMDAwMDAwWhcNMzUwNjAxMDAwMDAwWjA0MRYwFAYDVQQKDA10bHNn\n"
                              "bGFzcyB1bml0MRowGAYDVQQDDBFvZGQudGxzZ2xhc3MudGVzdDBZMBMGByqGSM49\n"
                              "AgEGCCqGSM49AwEHA0IABFS5aRAg23mrKJxb+Zy6sXO/mmBWEbpuGMkiUyPybXje\n"
                              "dOwRrJq6ZQNPkJANf7W9P0p/ojdokiQxKzarGrGN81ijgaUwgaIwDAYDVR0TAQH/\n"
                              "BAIwADAOBgNVHQ8BAf8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwLQYDVR0R\n"
                              "BCYwJIIPdyoucGFydGlhbC50ZXN0ghF3d3cuKi5taWRkbGUudGVzdDAdBgNVHQ4E\n"
                              "FgQUoR67mFh2gcCpHYogojOSn11JyFYwHwYDVR0jBBgwFoAU/ixVpkidTMFRzFXL\n"
                              "3ut/iD/sVIEwCgYIKoZIzj0EAwIDRwAwRAIgdGWa43Cx2r3YRy4I2xCvonfP892K\n"
                              "FTSPX0q9sw+fGuICICUXhPNrQ8njoarKlXmtUVfWTuccRXmK3+cP1RFUYqtK\n"
                              "-----END CERTIFICATE-----\n";
static const char PEM_SELFSIGNED[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBuTCCAWCgAwIBAgICIAUwCgYIKoZIzj0EAwIwOzEWMBQGA1UECgwNdGxzZ2xh\n"
    "c3MgdW5pdDEhMB8GA1UEAwwYc2VsZnNpZ25lZC50bHNnbGFzcy50ZXN0MB4XDTI1\n"
    "MDYwMTAwMDAwMFoXDTM1MDYwMTAwMDAwMFowOzEWMBQGA1UECgwNdGxzZ2xhc3Mg\n"
    "dW5pdDEhMB8GA1UEAwwYc2VsZnNpZ25lZC50bHNnbGFzcy50ZXN0MFkwEwYHKoZI\n"
    "zj0CAQYIKoZIzj0DAQcDQgAEs64PkvHUtfOL0T+WuZrOts6sdLVTc7dmleJaqnV9\n"
    "yHEekQoAMPIlG6BfFr5jE+NP16osftBje+5qON/usBhQL6NUMFIwDAYDVR0TAQH/\n"
    "BAIwADAOBgNVHQ8BAf8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwHQYDVR0O\n"
    "BBYEFDH+ER4eFqAm7d/2uVefTQIdXOF4MAoGCCqGSM49BAMCA0cAMEQCIEJG6pU/\n"
    "2Rk6JjNmWvsAzgbu/9TtLhpotORm3GtAatR/AiARQloc4VtlX5bpX6EdckUz7wVO\n"
    "NImF1tVUCikahaBY4A==\n"
    "-----END CERTIFICATE-----\n";

/* Capture times, seconds since 1970. */
#define T_CAPTURE INT64_C(1795431720)    /* 2026-11-23T11:02:00Z: every window open */
#define T_LATE INT64_C(2082758400)       /* 2036-01-01: LEAF expired, CAs not */
#define T_EARLY INT64_C(1704067200)      /* 2024-01-01: LEAF not yet valid, CAs valid */
#define T_2020 INT64_C(1590969600)       /* 2020-06-01: EXPIRED still valid */
#define T_EXPIRY_DAY INT64_C(1609502400) /* 2021-01-01T12:00Z: the day EXPIRED ends */
#define US(t) ((int64_t)(t)*INT64_C(1000000))
#define DAY INT64_C(86400)
#define HOUR INT64_C(3600)

/* ------------------------------------------------------------ fixtures */

static X509 *pem_cert(const char *pem)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (!x)
        abort();
    return x;
}

/* A PEM certificate's DER in a malloc'd buffer of exactly its size. */
static struct tg_view der_of(const char *pem)
{
    X509 *x = pem_cert(pem);
    unsigned char *buf = NULL;
    int len = i2d_X509(x, &buf);
    X509_free(x);
    if (len <= 0)
        abort();
    struct tg_view v = view_copy(buf, (size_t)len);
    OPENSSL_free(buf);
    return v;
}

static char tmpdir[256];

static void write_file(const char *path, const char *a, const char *b)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(a, f) < 0 || (b && fputs(b, f) < 0) || fclose(f) != 0)
        abort();
}

static void path_in_tmp(char *dst, size_t cap, const char *name)
{
    snprintf(dst, cap, "%s/%s", tmpdir, name);
}

static struct tg_validator *new_from_file(const char *name, const char *pem, const char *pem2)
{
    char path[512], err[256] = "";
    path_in_tmp(path, sizeof path, name);
    write_file(path, pem, pem2);
    struct tg_validator *v = tg_validator_new(path, NULL, err, sizeof err);
    if (!v)
        printf("  validator for %s: %s\n", name, err);
    return v;
}

static struct tg_view LEAF, INT, ROOT, EXPIRED, ODD, SELFSIGNED, JUNK;

static void load_fixtures(void)
{
    LEAF = der_of(PEM_LEAF);
    INT = der_of(PEM_INT);
    ROOT = der_of(PEM_ROOT);
    EXPIRED = der_of(PEM_EXPIRED);
    ODD = der_of(PEM_ODD);
    SELFSIGNED = der_of(PEM_SELFSIGNED);
    JUNK = view_copy_text("not a certificate");
}

static void free_fixtures(void)
{
    view_free(LEAF);
    view_free(INT);
    view_free(ROOT);
    view_free(EXPIRED);
    view_free(ODD);
    view_free(SELFSIGNED);
    view_free(JUNK);
}

/* ------------------------------------------------------------- verdicts */

static const char *run(struct tg_validator *v, struct tg_view a, struct tg_view b, size_t n,
                       int64_t t, struct tg_validation *out)
{
    struct tg_view chain[2] = {a, b};
    return tg_validate_chain(v, chain, n, US(t), out);
}

static void test_ok_and_time(struct tg_validator *v)
{
    printf("chain verdicts against a CA file, and the capture's time\n");
    struct tg_validation r;
    CHECK_STR(run(v, LEAF, INT, 2, T_CAPTURE, &r), "ok");
    CHECK(r.ok && r.trusted && !r.expired && !r.not_yet_valid && !r.self_signed);
    CHECK_INT(r.error, 0);
    CHECK_STR(r.reason, "ok");

    CHECK_STR(run(v, LEAF, INT, 2, T_LATE, &r), "certificate has expired");
    CHECK(!r.ok && r.expired && !r.not_yet_valid && r.trusted);
    CHECK_INT(r.error, X509_V_ERR_CERT_HAS_EXPIRED);
    CHECK_INT(r.depth, 0);

    CHECK_STR(run(v, LEAF, INT, 2, T_EARLY, &r), "certificate is not yet valid");
    CHECK(!r.ok && r.not_yet_valid && !r.expired && r.trusted);
    CHECK_INT(r.depth, 0);

    CHECK_STR(run(v, EXPIRED, INT, 2, T_CAPTURE, &r), "certificate has expired");
    CHECK(r.expired && r.trusted);
    CHECK_STR(run(v, EXPIRED, INT, 2, T_2020, &r), "ok");
    CHECK(r.ok);
    /* One second either side of EXPIRED's notAfter, 2021-01-01T00:00:00Z. */
    struct tg_view chain[2] = {EXPIRED, INT};
    CHECK_STR(tg_validate_chain(v, chain, 2, US(T_EXPIRY_DAY - 12 * HOUR - 1), &r), "ok");
    CHECK_STR(tg_validate_chain(v, chain, 2, US(T_EXPIRY_DAY - 12 * HOUR + 1), &r),
              "certificate has expired");
}

static void test_failures(struct tg_validator *v)
{
    printf("chain failures\n");
    struct tg_validation r;
    CHECK_STR(run(v, LEAF, INT, 1, T_CAPTURE, &r), "unable to get local issuer certificate");
    CHECK(!r.ok && !r.trusted && !r.self_signed && !r.expired);
    CHECK_INT(r.error, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    CHECK_INT(r.depth, 0);

    CHECK_STR(run(v, SELFSIGNED, INT, 1, T_CAPTURE, &r), "self-signed certificate");
    CHECK(!r.ok && !r.trusted && r.self_signed);
    CHECK_INT(r.error, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);

    /* Intermediates in any order; a piece that does not parse is left out. */
    struct tg_view messy[4] = {LEAF, JUNK, ODD, INT};
    CHECK_STR(tg_validate_chain(v, messy, 4, US(T_CAPTURE), &r), "ok");

    /* Nothing to verify. */
    struct tg_view junk_first[2] = {JUNK, INT};
    r.ok = true;
    CHECK(tg_validate_chain(v, junk_first, 2, US(T_CAPTURE), &r) == NULL);
    CHECK(!r.ok && r.reason[0] == '\0');
    CHECK(tg_validate_chain(v, messy, 0, US(T_CAPTURE), &r) == NULL);
}

static void test_other_anchor(void)
{
    printf("a store that trusts only SELFSIGNED\n");
    struct tg_validator *v = new_from_file("self.pem", PEM_SELFSIGNED, NULL);
    CHECK(v != NULL);
    if (!v)
        return;
    struct tg_validation r;
    struct tg_view full[3] = {LEAF, INT, ROOT};
    CHECK_STR(tg_validate_chain(v, full, 3, US(T_CAPTURE), &r),
              "self-signed certificate in certificate chain");
    CHECK(!r.ok && !r.trusted && !r.self_signed);
    CHECK_INT(r.error, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN);
    CHECK_INT(r.depth, 2);
    CHECK_STR(run(v, LEAF, INT, 2, T_CAPTURE, &r), "unable to get local issuer certificate");
    CHECK(!r.trusted);
    /* A self-signed leaf that the store holds is trusted. */
    CHECK_STR(run(v, SELFSIGNED, INT, 1, T_CAPTURE, &r), "ok");
    CHECK(r.ok && r.trusted && !r.self_signed);
    /* Expired and not chaining: the first error is the chain's, and the
     * chain stays untrusted when time is ignored. */
    CHECK_STR(run(v, EXPIRED, INT, 2, T_CAPTURE, &r), "unable to get local issuer certificate");
    CHECK(!r.trusted && !r.expired);
    tg_validator_free(v);
}

static void test_two_roots_file(void)
{
    printf("a CA file holding two anchors\n");
    struct tg_validator *v = new_from_file("two.pem", PEM_SELFSIGNED, PEM_ROOT);
    CHECK(v != NULL);
    if (!v)
        return;
    struct tg_validation r;
    CHECK_STR(run(v, LEAF, INT, 2, T_CAPTURE, &r), "ok");
    CHECK_STR(run(v, SELFSIGNED, INT, 1, T_CAPTURE, &r), "ok");
    tg_validator_free(v);
}

static void test_ca_path(void)
{
    printf("a CA directory in hashed-name layout\n");
    char dir[512], path[600], err[256] = "";
    path_in_tmp(dir, sizeof dir, "certs");
    if (mkdir(dir, 0700) != 0)
        abort();
    X509 *root = pem_cert(PEM_ROOT);
    snprintf(path, sizeof path, "%s/%08lx.0", dir, X509_subject_name_hash(root));
    X509_free(root);
    write_file(path, PEM_ROOT, NULL);
    struct tg_validator *v = tg_validator_new(NULL, dir, err, sizeof err);
    CHECK(v != NULL);
    if (!v) {
        printf("  %s\n", err);
        return;
    }
    struct tg_validation r;
    CHECK_STR(run(v, LEAF, INT, 2, T_CAPTURE, &r), "ok");
    CHECK_STR(run(v, SELFSIGNED, INT, 1, T_CAPTURE, &r), "self-signed certificate");
    tg_validator_free(v);
    unlink(path);
    rmdir(dir);
}

static void test_system_store(void)
{
    printf("the system store does not know the test PKI\n");
    char err[256] = "";
    struct tg_validator *v = tg_validator_new(NULL, NULL, err, sizeof err);
    CHECK(v != NULL);
    if (!v) {
        printf("  %s\n", err);
        return;
    }
    struct tg_validation r;
    CHECK_STR(run(v, LEAF, INT, 2, T_CAPTURE, &r), "unable to get local issuer certificate");
    CHECK(!r.trusted);
    struct tg_view full[3] = {LEAF, INT, ROOT};
    CHECK_STR(tg_validate_chain(v, full, 3, US(T_CAPTURE), &r),
              "self-signed certificate in certificate chain");
    CHECK_STR(run(v, SELFSIGNED, INT, 1, T_CAPTURE, &r), "self-signed certificate");
    tg_validator_free(v);
}

/* The system store read through SSL_CERT_FILE and SSL_CERT_DIR: from the
 * hashed directory alone when it covers the bundle, from the bundle when
 * the directory lacks some of its certificates. */
static void system_store_case(const char *what, const char *pem2, bool link_root,
                              struct tg_view leaf, struct tg_view issuer, size_t n,
                              const char *want)
{
    char bundle[512], dir[512], link[600], err[256] = "";
    path_in_tmp(bundle, sizeof bundle, "bundle.pem");
    path_in_tmp(dir, sizeof dir, "hashed");
    write_file(bundle, PEM_ROOT, pem2);
    if (mkdir(dir, 0700) != 0)
        abort();
    X509 *root = pem_cert(PEM_ROOT);
    snprintf(link, sizeof link, "%s/%08lx.0", dir, X509_subject_name_hash(root));
    X509_free(root);
    if (link_root)
        write_file(link, PEM_ROOT, NULL);
    setenv(X509_get_default_cert_file_env(), bundle, 1);
    setenv(X509_get_default_cert_dir_env(), dir, 1);
    struct tg_validator *v = tg_validator_new(NULL, NULL, err, sizeof err);
    struct tg_validation r;
    const char *got = v ? run(v, leaf, issuer, n, T_CAPTURE, &r) : err;
    CHECK_MSG(got && strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"", what, got, want);
    tg_validator_free(v);
    unsetenv(X509_get_default_cert_file_env());
    unsetenv(X509_get_default_cert_dir_env());
    unlink(link);
    rmdir(dir);
    unlink(bundle);
}

static void test_system_store_places(void)
{
    printf("the system store: its hashed directory, or its bundle\n");
    system_store_case("directory covers the bundle", NULL, true, LEAF, INT, 2, "ok");
    system_store_case("empty directory: the bundle", NULL, false, LEAF, INT, 2, "ok");
    /* two in the bundle, one linked: the bundle is read, SELFSIGNED with it */
    system_store_case("directory short of the bundle", PEM_SELFSIGNED, true, SELFSIGNED, INT, 1,
                      "ok");
    system_store_case("directory short of the bundle", PEM_SELFSIGNED, true, LEAF, INT, 2, "ok");
}

static void expect_new_fails(const char *file, const char *dir, const char *want_part)
{
    char err[256] = "";
    struct tg_validator *v = tg_validator_new(file, dir, err, sizeof err);
    check(v == NULL, want_part, __LINE__);
    check(strstr(err, want_part) != NULL, err, __LINE__);
    tg_validator_free(v);
}

static void test_bad_stores(void)
{
    printf("stores that cannot be used\n");
    char empty[512], missing[512], sub[512];
    path_in_tmp(empty, sizeof empty, "empty.pem");
    path_in_tmp(missing, sizeof missing, "missing.pem");
    path_in_tmp(sub, sizeof sub, "adir");
    write_file(empty, "no certificates in here\n", NULL);
    if (mkdir(sub, 0700) != 0)
        abort();
    expect_new_fails(missing, NULL, "cannot read CA file");
    expect_new_fails(empty, NULL, "cannot load CA file");
    expect_new_fails(sub, NULL, "not a regular file");
    expect_new_fails(NULL, missing, "cannot read CA directory");
    expect_new_fails(NULL, empty, "not a directory");
    tg_validator_free(NULL);
    unlink(empty);
    rmdir(sub);
}

/* ---------------------------------------------------------------- cache */

/* Field by field: memcmp would also compare padding and the bytes after
 * reason's NUL, which nothing promises. */
static bool same_validation(const struct tg_validation *a, const struct tg_validation *b)
{
    return a->ok == b->ok && a->trusted == b->trusted && a->expired == b->expired &&
           a->not_yet_valid == b->not_yet_valid && a->self_signed == b->self_signed &&
           a->error == b->error && a->depth == b->depth && strcmp(a->reason, b->reason) == 0;
}

static void test_cache(void)
{
    printf("the result cache\n");
    struct tg_validator *v = new_from_file("cache.pem", PEM_ROOT, NULL);
    if (!v)
        abort();
    struct tg_validator_stats st;
    struct tg_validation a, b;
    run(v, LEAF, INT, 2, T_CAPTURE, &a);
    run(v, LEAF, INT, 2, T_CAPTURE + HOUR, &b); /* no validity boundary between: a hit */
    tg_validator_stats(v, &st);
    CHECK_INT(st.lookups, 2);
    CHECK_INT(st.hits, 1);
    CHECK_INT(st.stored, 1);
    CHECK(same_validation(&a, &b));
    run(v, LEAF, INT, 2, T_CAPTURE + DAY, &b); /* still inside every validity: a hit */
    run(v, LEAF, INT, 1, T_CAPTURE, &b);       /* another chain */
    tg_validator_stats(v, &st);
    CHECK_INT(st.hits, 2);
    CHECK_INT(st.stored, 2);
    CHECK_STR(b.reason, "unable to get local issuer certificate");
    /* A hit keeps the failure it stored. */
    run(v, LEAF, INT, 1, T_CAPTURE + 60, &b);
    tg_validator_stats(v, &st);
    CHECK_INT(st.hits, 3);
    CHECK_STR(b.reason, "unable to get local issuer certificate");

    /* A stored result holds only between validity boundaries: either side
     * of EXPIRED's notAfter the answer is the one a fresh check gives. */
    CHECK_STR(run(v, EXPIRED, INT, 2, T_EXPIRY_DAY, &b), "certificate has expired");
    CHECK_STR(run(v, EXPIRED, INT, 2, T_EXPIRY_DAY - 12 * HOUR - 1, &b), "ok");
    CHECK_STR(run(v, EXPIRED, INT, 2, T_EXPIRY_DAY - 12 * HOUR + 1, &b), "certificate has expired");
    CHECK_STR(run(v, EXPIRED, INT, 2, T_EXPIRY_DAY - 13 * HOUR, &b), "ok");
    tg_validator_stats(v, &st);
    CHECK_INT(st.stored, 4); /* one result after notAfter, one before */
    CHECK_INT(st.hits, 5);

    /* A chain whose leaf does not parse is neither verified nor stored. */
    struct tg_view junk_first[2] = {JUNK, INT};
    uint64_t lookups = st.lookups;
    CHECK(tg_validate_chain(v, junk_first, 2, US(T_CAPTURE), &b) == NULL);
    CHECK(tg_validate_chain(v, junk_first, 2, US(T_CAPTURE), &b) == NULL);
    tg_validator_stats(v, &st);
    CHECK_INT(st.lookups, lookups);
    CHECK_INT(st.hits, 5);
    tg_validator_free(v);
}

/* LEAF followed by k copies of INT: distinct chains with the same verdict. */
static const char *run_k(struct tg_validator *v, size_t k, struct tg_validation *out)
{
    struct tg_view chain[TG_VALIDATE_CACHE_SLOTS + 2];
    chain[0] = LEAF;
    for (size_t i = 1; i <= k; i++)
        chain[i] = INT;
    return tg_validate_chain(v, chain, k + 1, US(T_CAPTURE), out);
}

static void test_cache_bound(void)
{
    printf("the cache keeps at most %d results, least recently used out\n",
           TG_VALIDATE_CACHE_SLOTS);
    struct tg_validator *v = new_from_file("bound.pem", PEM_ROOT, NULL);
    if (!v)
        abort();
    struct tg_validator_stats st;
    struct tg_validation r;
    for (size_t k = 1; k <= TG_VALIDATE_CACHE_SLOTS; k++)
        run_k(v, k, &r);
    run_k(v, 1, &r);                           /* chain 1 is now the most recent */
    run_k(v, TG_VALIDATE_CACHE_SLOTS + 1, &r); /* evicts chain 2 */
    tg_validator_stats(v, &st);
    CHECK_INT(st.hits, 1);
    CHECK_INT(st.stored, TG_VALIDATE_CACHE_SLOTS + 1);
    run_k(v, 1, &r);
    tg_validator_stats(v, &st);
    CHECK_INT(st.hits, 2);
    run_k(v, 2, &r);
    tg_validator_stats(v, &st);
    CHECK_INT(st.hits, 2);
    CHECK_STR(r.reason, "ok");
    tg_validator_free(v);
}

/* ------------------------------------------------------------ host names */

static bool host(struct tg_view leaf, const char *sni)
{
    struct tg_view s = view_copy_text(sni);
    bool ok = tg_validate_hostname(leaf, s);
    view_free(s);
    return ok;
}

static void test_hostnames(void)
{
    printf("host names (RFC 6125)\n");
    CHECK(host(LEAF, "server.tlsglass.test"));
    CHECK(host(LEAF, "SERVER.TlsGlass.TEST"));
    CHECK(host(LEAF, "server.tlsglass.test."));
    CHECK(host(LEAF, "www.tlsglass.test"));  /* *.tlsglass.test: one label */
    CHECK(!host(LEAF, "a.b.tlsglass.test")); /* not two */
    CHECK(!host(LEAF, "tlsglass.test"));     /* nor none */
    CHECK(!host(LEAF, ".tlsglass.test"));
    CHECK(!host(LEAF, "server.tlsglass.test.."));
    CHECK(!host(LEAF, "server.tlsglass.testx"));
    CHECK(!host(LEAF, "other.example"));
    CHECK(!host(LEAF, ""));
    CHECK(host(LEAF, "10.77.0.2")); /* an IP literal against the iPAddress SAN */
    CHECK(!host(LEAF, "10.77.0.3"));
    CHECK(!host(LEAF, "::1"));
    /* Partial wildcards and wildcards past the first label never match. */
    CHECK(!host(ODD, "www.partial.test"));
    CHECK(!host(ODD, "w.partial.test"));
    CHECK(!host(ODD, "www.x.middle.test"));
    CHECK(!host(ODD, "odd.tlsglass.test")); /* CN not consulted: DNS SANs exist */
    /* No DNS SAN at all: the CN is (RFC 6125 6.4.4). */
    CHECK(host(SELFSIGNED, "selfsigned.tlsglass.test"));
    CHECK(!host(SELFSIGNED, "x.selfsigned.tlsglass.test"));
    /* A NUL inside the SNI, an over-long SNI, a leaf that is not one. */
    static const uint8_t nul[] = "server.tlsglass.test\0.evil";
    struct tg_view nul_view = view_copy(nul, sizeof nul - 1);
    CHECK(!tg_validate_hostname(LEAF, nul_view));
    view_free(nul_view);
    char longname[400];
    memset(longname, 'a', sizeof longname);
    memcpy(longname + sizeof longname - 15, ".tlsglass.test", 15);
    CHECK(!host(LEAF, longname));
    CHECK(!host(JUNK, "server.tlsglass.test"));
    struct tg_view none = {NULL, 0};
    CHECK(!tg_validate_hostname(none, none));
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/tg-validate-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir))
        abort();
    load_fixtures();
    struct tg_validator *v = new_from_file("root.pem", PEM_ROOT, NULL);
    CHECK(v != NULL);
    if (v) {
        test_ok_and_time(v);
        test_failures(v);
        tg_validator_free(v);
    }
    test_other_anchor();
    test_two_roots_file();
    test_ca_path();
    test_system_store();
    test_system_store_places();
    test_bad_stores();
    test_cache();
    test_cache_bound();
    test_hostnames();
    free_fixtures();
    const char *files[] = {"root.pem", "self.pem", "two.pem", "cache.pem", "bound.pem"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        path_in_tmp(path, sizeof path, files[i]);
        unlink(path);
    }
    rmdir(tmpdir);
    return testkit_finish();
}
