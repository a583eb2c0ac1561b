/*
 * fuzz_pipeline.c - the whole pipeline on a capture file held in memory:
 * libpcap's reader, decoding, IP fragments, flows, reassembly, TLS framing,
 * every dissector and the reporter (records go to /dev/null).
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
    struct tg_analyzer a;
    if (tg_analyzer_init(&a, &cfg, &report) != TG_OK)
        abort();
    if (ndpi) {
        tg_ndpi_free(a.flows.ndpi);
        a.flows.ndpi = ndpi;
    }
    tg_capture_file(&a, path, NULL);
    tg_analyzer_finish(&a);
    a.flows.ndpi = NULL; /* lent, not given */
    tg_analyzer_free(&a);
    if (tg_report_close(&report) != TG_OK)
        abort();
    remove(path);
    return 0;
}
