/*
 * fuzz_pipeline.c - the whole pipeline on a capture file held in memory:
 * libpcap's reader, decoding, IP fragments, flows, reassembly, TLS framing,
 * every dissector and the reporter (records go to /dev/null), under small
 * caps (flows, reassembly, memory) so that their eviction paths run too.
 *
 * Building nDPI's detection module costs tens of millions of instructions,
 * far more than one input; made per input it held the fuzzer to a few
 * executions a second. One module is made for the whole process and lent
 * to each input's analyzer (nDPI's caches carry over between inputs, which
 * only its own lookups see). The JSON arena is set up once, as main does.
 */
#include "../analyzer/analyzer.h"
#include "../analyzer/capture.h"
#include "../analyzer/classify.h"
#include "../analyzer/jsonmem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    static struct tg_ndpi *ndpi;
    if (!path[0]) {
        tg_jsonmem_init();
        ndpi = tg_ndpi_new();
        snprintf(path, sizeof path, "/tmp/tg-fuzz-pipeline-%d.pcap", (int)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    size_t written = fwrite(data, 1, size, f);
    if (fclose(f) != 0 || written != size)
        abort(); /* /tmp full or gone: the replay would test a different input */
    struct tg_report report;
    if (tg_report_open(&report, "/dev/null", false) != TG_OK)
        abort();
    struct tg_config cfg;
    tg_config_defaults(&cfg);
    cfg.max_flows = 64; /* small caps: eviction paths run too */
    cfg.reasm_dir_bytes = 4096;
    cfg.reasm_total_bytes = 16384;
    /*
     * Far below the command line's least (TG_MIN_MAX_MEMORY); the analyzer
     * obeys it. The flow table's buckets alone account 32 KiB, so a few
     * sessions, or one handshake message split across records (buffered at
     * its announced length), pass it: flows are ended for memory, closing
     * ones early, open ones evicted (the corpus has inputs for both).
     * Held IP fragment bytes are capped at a sixteenth of it (4 KiB).
     */
    cfg.max_memory = (size_t)64 * 1024;
    struct tg_analyzer a;
    if (tg_analyzer_init(&a, &cfg, &report) != TG_OK)
        abort();
    if (ndpi) {
        tg_ndpi_free(a.flows.ndpi);
        a.flows.ndpi = ndpi;
    }
    /* Inputs of odd length pack every flow but the last one touched, so the
     * cold-flow path (flow.h) runs between nearly every two packets. */
    if (size % 2)
        a.flows.hot_max = 1;
    tg_capture_file(&a, path, NULL);
    tg_analyzer_finish(&a);
    a.flows.ndpi = NULL; /* lent, not given */
    tg_analyzer_free(&a);
    if (tg_report_close(&report) != TG_OK)
        abort();
    remove(path);
    return 0;
}
