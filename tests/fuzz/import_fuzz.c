/*
 * libFuzzer driver for the CSV reader, the profile parser and the import path.
 *
 * The first input byte picks the target, the rest is the input:
 *   0: the CSV reader alone (fmemopen), every record's views checked for bounds;
 *   1: the profile parser (JSON text);
 *   2: a whole import of the input as a CSV file in custodian's observation format, into an
 *      in-memory database with the catalogue loaded, then a check that a failed import left
 *      the database's digest unchanged.
 * Build and run with `make fuzz` (clang, ASan + UBSan + libFuzzer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "ingest/catalogue.h"
#include "ingest/csv.h"
#include "ingest/import.h"
#include "ingest/profile.h"
#include "stats/stats.h"

static int touch(void *arg, const struct ingest_record *r)
{
	size_t *sum = arg;

	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->f[i].n; k++)
			*sum += (unsigned char)r->f[i].p[k]; /* ASan checks every byte is in bounds */
	return 0;
}

static struct store *store;
static struct ingest_profile *profile;
static char tmpdir[] = "/tmp/cu-fuzz-XXXXXX";
static const struct cu_actor actor = { .name = "fuzz", .role = MODEL_ROLE_SYSTEM };

static void setup(void)
{
	struct cu_err err;

	stats_init();
	cu_err_clear(&err);
	if (!mkdtemp(tmpdir) || store_open(":memory:", STORE_OPEN_CREATE, &store, &err) ||
	    ingest_catalogue_load(store, &actor, CU_SOURCE_DIR "/data/catalogue/catalogue.json",
				  NULL, NULL, &err) ||
	    !(profile = ingest_profile_load(CU_SOURCE_DIR "/profiles", "custodian", &err))) {
		fprintf(stderr, "fuzz setup: %s\n", err.msg);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ingest_csv_opts o = { .source = "fuzz" };
	struct cu_err err;
	size_t sum = 0;

	if (!store)
		setup();
	if (size < 1)
		return 0;
	cu_err_clear(&err);
	switch (data[0] % 3) {
	case 0: {
		FILE *f = size > 1 ? fmemopen((void *)(data + 1), size - 1, "rb") : NULL;

		if (f) {
			ingest_csv_read(f, &o, touch, &sum, NULL, &err);
			fclose(f);
		}
		break;
	}
	case 1:
		ingest_profile_free(ingest_profile_parse((const char *)data + 1, size - 1, "fuzz", &err));
		break;
	default: {
		char path[64], before[65], after[65];
		struct ingest_import_result *res = xcalloc(1, sizeof *res);
		FILE *f;

		snprintf(path, sizeof path, "%s/in.csv", tmpdir);
		if (!(f = fopen(path, "wb")))
			abort();
		fwrite(data + 1, 1, size - 1, f);
		fclose(f);
		store_digest(store, before, NULL);
		if (ingest_import(store, &actor, profile, path, NULL, res) != 0) {
			store_digest(store, after, NULL);
			if (strcmp(before, after) != 0)
				abort(); /* a failed import changed the database */
		}
		free(res);
		unlink(path);
	}
	}
	return 0;
}
