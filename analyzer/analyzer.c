/*
 * analyzer.c - the pipeline's spine: decode, flow table, and the record
 * written when a flow with a TLS session ends.
 */
#include "analyzer.h"

#include "classify.h"
#include "log.h"
#include "pool.h"
#include "session.h"

#include <string.h>

void tg_config_defaults(struct tg_config *c)
{
    c->max_flows = TG_FLOW_DEFAULT_MAX;
    c->max_memory = TG_DEFAULT_MAX_MEMORY;
    c->idle_timeout_us = TG_FLOW_DEFAULT_IDLE_US;
    c->close_delay_us = TG_FLOW_DEFAULT_CLOSE_US;
    c->reasm_dir_bytes = TG_REASM_DEFAULT_DIR_BYTES;
    c->reasm_total_bytes = TG_REASM_DEFAULT_TOTAL_BYTES;
    c->emit_handshake = false;
    c->no_ndpi = false;
    c->threads = 1;
    c->ca_file = NULL;
    c->ca_path = NULL;
    c->validator = NULL;
}

/* Counts a session whose record was written, by state and by error. */
static void count_session(struct tg_analyzer_stats *st, const struct tg_session *s)
{
    if (!s || !s->saw_hello)
        return; /* no record: not a TLS session */
    const char *state = tg_session_state(s);
    for (int i = 0; i < TG_REPORT_STATES; i++)
        if (strcmp(state, tg_report_state_name((enum tg_report_state)i)) == 0)
            st->session_states[i]++;
    for (int e = 0; e < TG_ERR_COUNT; e++)
        if (s->errors & TG_ERR_BIT(e))
            st->session_errors[e]++;
}

static void on_flow_end(void *ctx, struct tg_flow *f, enum tg_flow_end why)
{
    struct tg_analyzer *a = ctx;
    (void)why;
    tg_report_session(a->report, f, f->handshake_told);
    count_session(&a->stats, f->sess); /* after: the reporter may add errors */
}

static void on_handshake(void *ctx, struct tg_flow *f)
{
    struct tg_analyzer *a = ctx;
    tg_report_session(a->report, f, false);
}

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/*
 * The memory cap bounds the sum of what the flows and the fragment table
 * account; so that no one part takes it all, the parts with caps of their
 * own get at most a share: out-of-order bytes a quarter, held fragment
 * bytes a sixteenth. (The command line asks for TG_MIN_MAX_MEMORY at
 * least; a smaller cap here, as the fuzz targets may set, is obeyed.)
 */
static void share_memory(struct tg_analyzer *a, const struct tg_config *cfg,
                         struct tg_ipfrag_caps *frag_caps)
{
    size_t max = cfg->max_memory ? cfg->max_memory : TG_DEFAULT_MAX_MEMORY;
    a->flows.max_memory = max;
    a->flows.lim.max_dir_bytes = cfg->reasm_dir_bytes;
    a->flows.lim.max_total_bytes = min_size(cfg->reasm_total_bytes, max / 4);
    tg_ipfrag_caps_default(frag_caps);
    frag_caps->max_bytes = min_size(frag_caps->max_bytes, max / 16);
}

enum tg_status tg_analyzer_init(struct tg_analyzer *a, const struct tg_config *cfg,
                                struct tg_report *report)
{
    memset(a, 0, sizeof *a);
    a->report = report;
    report->validator = cfg->validator;
    enum tg_status st = tg_flows_init(&a->flows, cfg->max_flows, on_flow_end, a);
    if (st != TG_OK)
        return st;
    struct tg_ipfrag_caps frag_caps;
    share_memory(a, cfg, &frag_caps);
    st = tg_ipfrag_init(&a->frags, &frag_caps);
    if (st != TG_OK) {
        tg_flows_free(&a->flows);
        return st;
    }
    if (cfg->emit_handshake)
        a->flows.on_handshake = on_handshake;
    a->flows.idle_us = cfg->idle_timeout_us;
    a->flows.close_us = cfg->close_delay_us;
    if (cfg->threads > 1) {
        st = tg_pool_new(&a->pool, cfg->threads, cfg, report);
        if (st != TG_OK)
            tg_analyzer_free(a);
        return st;
    }
    if (!cfg->no_ndpi)
        a->flows.ndpi = tg_ndpi_new(); /* NULL: records go without app_protocol */
    return TG_OK;
}

/* A decoded TCP segment: to the flow table, or to its worker. */
static void tcp_segment(struct tg_analyzer *a, const struct tg_packet *p, int64_t ts)
{
    a->stats.tcp++;
    if (a->pool) {
        tg_pool_packet(a->pool, p, ts, a->stats.packets);
    } else {
        a->flows.frame_no = a->stats.packets;
        tg_flows_packet(&a->flows, p, ts);
    }
}

/* A fragment: when it completes its datagram, the TCP segment goes on. */
static void fragment(struct tg_analyzer *a, struct tg_packet *p, int64_t ts)
{
    struct tg_view segment;
    uint8_t proto;
    if (p->frag.cut) {
        a->stats.truncated++;
        return;
    }
    enum tg_status st = tg_ipfrag_add(&a->frags, p, ts, &segment, &proto);
    a->flows.other_mem = tg_ipfrag_memory(&a->frags);
    if (st != TG_OK) {
        tg_flows_fit_memory(&a->flows);
        return;
    }
    if (tg_decode_transport(proto, segment, false, p) == TG_DEC_TCP)
        tcp_segment(a, p, ts);
}

void tg_analyzer_packet(struct tg_analyzer *a, int dlt, int64_t ts, struct tg_view frame,
                        uint32_t wire_len)
{
    struct tg_packet p;
    a->stats.packets++;
    a->stats.bytes += wire_len;
    switch (tg_decode(dlt, frame, wire_len, &p)) {
    case TG_DEC_TCP:
        tcp_segment(a, &p, ts);
        return;
    case TG_DEC_OTHER:
        a->stats.other++;
        break;
    case TG_DEC_FRAGMENT:
        a->stats.fragments++;
        fragment(a, &p, ts);
        break;
    case TG_DEC_TRUNCATED:
        a->stats.truncated++;
        break;
    case TG_DEC_MALFORMED:
        a->stats.malformed++;
        tg_log_input("malformed packet headers, packet ignored");
        break;
    case TG_DEC_UNSUPPORTED:
        a->stats.unsupported++;
        break;
    }
    if (a->pool)
        tg_pool_time(a->pool, ts, false);
    else
        tg_flows_expire(&a->flows, ts);
}

void tg_analyzer_expire(struct tg_analyzer *a, int64_t now)
{
    if (a->pool)
        tg_pool_time(a->pool, now, true);
    else
        tg_flows_expire(&a->flows, now);
}

void tg_analyzer_note_damage(struct tg_analyzer *a)
{
    if (a->pool)
        tg_pool_damage(a->pool);
    else
        tg_flows_note_damage(&a->flows);
}

void tg_analyzer_sync(struct tg_analyzer *a)
{
    if (a->pool)
        tg_pool_sync(a->pool);
}

int tg_analyzer_wake_fd(const struct tg_analyzer *a)
{
    return a->pool ? tg_pool_wake_fd(a->pool) : -1;
}

void tg_analyzer_refresh(struct tg_analyzer *a)
{
    if (a->pool)
        tg_pool_collect(a->pool, a);
}

void tg_analyzer_caps(const struct tg_analyzer *a, struct tg_cap_counters *out)
{
    const struct tg_flow_stats *fs = &a->flows.stats;
    const uint64_t *errors = a->stats.session_errors;
    memset(out, 0, sizeof *out);
    out->flows_evicted_flow_cap = fs->evicted_flow_cap;
    out->flows_evicted_memory = fs->evicted_memory;
    out->flows_closed_early = fs->closed_early;
    out->reasm_dir_cap = a->flows.lim.dir_cap_hits;
    out->reasm_total_cap = a->flows.lim.total_cap_hits;
    out->handshake_too_large = errors[TG_ERR_HANDSHAKE_TOO_LARGE];
    out->too_many_certificates = errors[TG_ERR_TOO_MANY_CERTIFICATES];
    out->too_many_extensions = errors[TG_ERR_TOO_MANY_EXTENSIONS];
    out->too_many_key_shares = errors[TG_ERR_TOO_MANY_KEY_SHARES];
    out->too_many_messages = errors[TG_ERR_TOO_MANY_MESSAGES];
    out->too_many_alerts = errors[TG_ERR_TOO_MANY_ALERTS];
    out->cert_fields_truncated =
        errors[TG_ERR_CERT_NAME_TRUNCATED] + errors[TG_ERR_CERT_SERIAL_TRUNCATED] +
        errors[TG_ERR_CERT_SAN_TRUNCATED] + errors[TG_ERR_CERT_FIELD_TRUNCATED];
    out->session_memory = errors[TG_ERR_SESSION_MEMORY];
    out->ipfrag_datagram_cap = a->frags.stats.datagram_cap;
    out->ipfrag_byte_cap = a->frags.stats.byte_cap;
    out->ipfrag_fragment_cap = a->frags.stats.fragment_cap;
    out->memory_bytes = tg_analyzer_memory(a);
    out->memory_peak_bytes = a->flows.mem_peak;
    out->memory_max_bytes = a->flows.max_memory;
}

void tg_analyzer_finish(struct tg_analyzer *a)
{
    if (a->pool)
        tg_pool_finish(a->pool);
    else
        tg_flows_end_all(&a->flows);
}

void tg_analyzer_free(struct tg_analyzer *a)
{
    tg_pool_free(a->pool);
    a->pool = NULL;
    tg_flows_free(&a->flows);
    tg_ndpi_free(a->flows.ndpi);
    a->flows.ndpi = NULL;
    tg_ipfrag_free(&a->frags);
}

void tg_analyzer_stop(struct tg_analyzer *a)
{
    if (a->pool)
        tg_pool_stop(a->pool);
}

uint64_t tg_analyzer_memory(const struct tg_analyzer *a)
{
    return (uint64_t)a->flows.mem + (uint64_t)a->flows.other_mem;
}
