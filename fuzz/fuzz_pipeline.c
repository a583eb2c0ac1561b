/*
 * fuzz_pipeline.c - the whole pipeline on a capture file held in memory:
 * libpcap's reader, decoding, IP fragments, flows, reassembly, TLS framing,
 * every dissector and the reporter (records go to /dev/null).
 */
#include "../analyzer/analyzer.h"
#include "../analyzer/capture.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/tg-fuzz-pipeline-%d.pcap", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
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
    tg_capture_file(&a, path, NULL);
    tg_analyzer_finish(&a);
    tg_analyzer_free(&a);
    if (tg_report_close(&report) != TG_OK)
        abort();
    remove(path);
    return 0;
}
