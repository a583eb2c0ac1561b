/*
 * analyzer.c - the pipeline's spine: decode, flow table, and the record
 * written when a flow with a TLS session ends.
 */
#include "analyzer.h"

#include "classify.h"
#include "log.h"

#include <string.h>

void tg_config_defaults(struct tg_config *c)
{
    c->max_flows = TG_FLOW_DEFAULT_MAX;
    c->idle_timeout_us = TG_FLOW_DEFAULT_IDLE_US;
    c->close_delay_us = TG_FLOW_DEFAULT_CLOSE_US;
    c->reasm_dir_bytes = TG_REASM_DEFAULT_DIR_BYTES;
    c->reasm_total_bytes = TG_REASM_DEFAULT_TOTAL_BYTES;
    c->emit_handshake = false;
    c->no_ndpi = false;
    c->ca_file = NULL;
    c->ca_path = NULL;
    c->validator = NULL;
}

static void on_flow_end(void *ctx, struct tg_flow *f, enum tg_flow_end why)
{
    struct tg_analyzer *a = ctx;
    (void)why;
    tg_report_session(a->report, f, f->handshake_told);
}

static void on_handshake(void *ctx, struct tg_flow *f)
{
    struct tg_analyzer *a = ctx;
    tg_report_session(a->report, f, false);
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
    st = tg_ipfrag_init(&a->frags, NULL);
    if (st != TG_OK) {
        tg_flows_free(&a->flows);
        return st;
    }
    if (cfg->emit_handshake)
        a->flows.on_handshake = on_handshake;
    a->flows.idle_us = cfg->idle_timeout_us;
    a->flows.close_us = cfg->close_delay_us;
    a->flows.lim.max_dir_bytes = cfg->reasm_dir_bytes;
    a->flows.lim.max_total_bytes = cfg->reasm_total_bytes;
    if (!cfg->no_ndpi)
        a->flows.ndpi = tg_ndpi_new(); /* NULL: records go without app_protocol */
    return TG_OK;
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
    if (tg_ipfrag_add(&a->frags, p, ts, &segment, &proto) != TG_OK)
        return;
    if (tg_decode_transport(proto, segment, false, p) == TG_DEC_TCP) {
        a->stats.tcp++;
        tg_flows_packet(&a->flows, p, ts);
    }
}

void tg_analyzer_packet(struct tg_analyzer *a, int dlt, int64_t ts, struct tg_view frame,
                        uint32_t wire_len)
{
    struct tg_packet p;
    a->stats.packets++;
    a->stats.bytes += wire_len;
    switch (tg_decode(dlt, frame, wire_len, &p)) {
    case TG_DEC_TCP:
        a->stats.tcp++;
        tg_flows_packet(&a->flows, &p, ts);
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
    tg_flows_expire(&a->flows, ts);
}

void tg_analyzer_finish(struct tg_analyzer *a)
{
    tg_flows_end_all(&a->flows);
}

void tg_analyzer_free(struct tg_analyzer *a)
{
    tg_flows_free(&a->flows);
    tg_ndpi_free(a->flows.ndpi);
    a->flows.ndpi = NULL;
    tg_ipfrag_free(&a->frags);
}
