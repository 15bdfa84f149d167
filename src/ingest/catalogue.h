/*
 * Loading the indicator catalogue (data/catalogue/catalogue.json): services and indicators,
 * validated entry by entry, written in one transaction (all or nothing). Loading the same
 * catalogue again changes nothing; a changed entry is updated and audited.
 */
#ifndef CU_INGEST_CATALOGUE_H
#define CU_INGEST_CATALOGUE_H

#include "base/err.h"
#include "store/store.h"

/*
 * Load the catalogue at PATH. *NSERVICES and *NINDICATORS (may be NULL) get the counts.
 * Errors name the entry and key, e.g. `indicators[3].polarity: "up": expected
 * higher_is_better, lower_is_better or neither`; nothing is written then.
 */
int ingest_catalogue_load(struct store *s, const struct cu_actor *a, const char *path,
			  int *nservices, int *nindicators, struct cu_err *err);

#endif
