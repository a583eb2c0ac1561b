/*
 * replay_main.c - a plain main for the fuzz targets: feeds every file in the
 * directories (or files) named on the command line to LLVMFuzzerTestOneInput,
 * one at a time, in a buffer of exactly the file's size, so `make test`
 * replays the corpora and regression inputs under ASan+UBSan without
 * libFuzzer.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0) {
        (void)fclose(f); /* opened for reading: nothing is lost */
        return 1;
    }
    size_t n = (size_t)st.st_size;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf || fread(buf, 1, n, f) != n) {
        perror(path);
        free(buf);
        (void)fclose(f);
        return 1;
    }
    (void)fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

/* Recursion: one level per directory level of the corpus (flat in practice). */
static int replay_path(const char *path, unsigned long *count) /* NOLINT(misc-no-recursion) */
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0; /* a missing corpus directory is not an error */
    if (!S_ISDIR(st.st_mode)) {
        ++*count;
        return replay_file(path);
    }
    DIR *d = opendir(path);
    if (!d)
        return 1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        int k = snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        if (k < 0 || (size_t)k >= sizeof sub)
            continue;
        rc |= replay_path(sub, count);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned long count = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= replay_path(argv[i], &count);
    printf("replayed %lu inputs\n", count);
    return rc;
}
