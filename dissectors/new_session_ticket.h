/*
 * new_session_ticket.h - NewSessionTicket (RFC 5077 3.3 for TLS <= 1.2,
 * RFC 8446 4.6.1 for TLS 1.3).
 */
#ifndef TG_NEW_SESSION_TICKET_H
#define TG_NEW_SESSION_TICKET_H

#include "reader.h"
#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tg_new_session_ticket {
    bool is_tls13;
    uint32_t lifetime;     /* seconds; the lifetime hint before 1.3 */
    uint32_t age_add;      /* TLS 1.3 */
    struct tg_view nonce;  /* TLS 1.3 */
    struct tg_view ticket; /* may be empty before 1.3: no ticket after all */
    bool has_early_data;   /* TLS 1.3 early_data extension */
    uint32_t max_early_data_size;
    size_t n_extensions; /* TLS 1.3 extensions seen */
    size_t trailing;
};

/* Parses a NewSessionTicket body; `is_tls13` picks the form. */
enum tg_status tg_new_session_ticket_parse(struct tg_view body, bool is_tls13,
                                           struct tg_new_session_ticket *out) TG_WARN_UNUSED;

#endif
