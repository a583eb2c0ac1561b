/*
 * encrypted_extensions.h - EncryptedExtensions (RFC 8446 4.3.1), the
 * server's first message under handshake keys in TLS 1.3; visible to a
 * passive observer only with keys, or in tests and QUIC-less captures
 * that carry it in the clear by mistake.
 */
#ifndef TG_ENCRYPTED_EXTENSIONS_H
#define TG_ENCRYPTED_EXTENSIONS_H

#include "reader.h"
#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TG_EE_MAX_EXTENSIONS 32

/* Malformed parts found while salvaging; bits of `problems`. */
enum tg_ee_problem {
    TG_EE_BAD_EXTENSION = 1u << 0, /* an extension's body did not parse */
    TG_EE_TOO_MANY_EXTENSIONS = 1u << 1,
    TG_EE_TRAILING_BYTES = 1u << 2, /* bytes after the extension list */
    TG_EE_DUPLICATE_EXTENSION = 1u << 3,
};

struct tg_encrypted_extensions {
    uint16_t extensions[TG_EE_MAX_EXTENSIONS]; /* types, in order */
    size_t n_extensions;                       /* kept */
    size_t n_extensions_total;                 /* seen */
    bool has_alpn;
    struct tg_view alpn;  /* the one selected protocol name */
    bool early_data;      /* the server accepts 0-RTT data */
    bool server_name_ack; /* empty server_name: the SNI was used */
    bool has_supported_groups;
    struct tg_view supported_groups; /* u16 list */
    bool has_max_fragment_length;
    uint8_t max_fragment_length;
    bool has_record_size_limit;
    uint16_t record_size_limit;
    unsigned problems; /* enum tg_ee_problem bits */
};

/*
 * Parses an EncryptedExtensions body. TG_OK with possibly non-zero
 * `problems` when the extension list is framed right; TG_E_MALFORMED or
 * TG_E_SHORT when it is not (extensions before the break are kept).
 */
enum tg_status tg_encrypted_extensions_parse(struct tg_view body,
                                             struct tg_encrypted_extensions *out) TG_WARN_UNUSED;

#endif
