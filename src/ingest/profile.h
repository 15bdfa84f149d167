/*
 * Import profiles: a JSON file under profiles/ that describes one CSV format, so a new
 * real-world format needs a new profile and no new C code. docs/formats.md documents every key.
 *
 * A profile targets observations (quality figures), organisations, or spells (record-level
 * hospital spells, which the import runs through the mortality model: the profile then names
 * only the nine spells columns and the indicator the results land as). For observations
 * it says which columns carry the organisation and the period (and how the period is written),
 * which rows to keep, which markers mean suppressed or missing, and a list of measures. Each
 * measure derives an indicator code from a template ("AE_ATTENDANCES_{type}", with optional
 * value maps) and takes its figures either
 *   - from columns of the same row ("wide": value, or numerator and denominator), or
 *   - by summing a value column over rows of one group ("long": rows that share organisation,
 *     period and the measure's `when` columns; the numerator sums the listed categories, the
 *     denominator every category except the missing-value ones).
 */
#ifndef CU_INGEST_PROFILE_H
#define CU_INGEST_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "model/period.h"

enum ingest_target {
	INGEST_TARGET_OBSERVATIONS,
	INGEST_TARGET_ORGANISATIONS,
	INGEST_TARGET_SPELLS, /* record-level spells for the mortality model (ingest/spells.h) */
	INGEST_TARGET__MAX
};

/* A list of strings, owned by the profile. */
struct ingest_strs {
	size_t n;
	char **s;
};

struct ingest_keep {
	char *column;
	struct ingest_strs values; /* the row is kept when the column holds one of these */
};

struct ingest_map {
	char *column;
	struct ingest_strs from, to; /* template value mapping for {column} */
};

struct ingest_measure {
	char *indicator; /* code template, e.g. "AE_4HR_BREACH_{type}" */
	/* wide: column names, NULL when not used */
	char *value, *numerator, *denominator;
	/* long: the rows of this measure, and the categories counted in its numerator */
	struct ingest_strs when_columns, when_values;
	struct ingest_strs categories;
};

struct ingest_profile {
	char *name, *title, *source, *path;
	enum ingest_target target;
	struct ingest_strs columns; /* every column the header must have */
	bool allow_extra_columns;
	struct ingest_strs suppressed, missing; /* cell markers */
	size_t nkeep;
	struct ingest_keep *keep;
	size_t nmap;
	struct ingest_map *map;

	/* observations */
	char *org_column, *period_column;
	enum model_period_format period_format;
	enum model_grain grain;
	bool long_format;
	char *category_column, *value_column;   /* long format */
	struct ingest_strs missing_categories;  /* case-insensitive prefixes */
	size_t nmeasure;
	struct ingest_measure *measure;

	/* organisations: columns for each field (NULL when absent) */
	char *code_column, *name_column, *kind_column, *parent_column, *postcode_column,
		*latitude_column, *longitude_column, *valid_from_column, *valid_to_column;
	char *default_kind;
	enum model_period_format date_format;

	/* spells: the ratio indicator the providers' results land as (e.g. "SHMI") */
	char *indicator;
};

/*
 * Load and validate the profile named NAME_OR_PATH: a path when it contains '/' or ends in
 * ".json", else profiles/NAME.json under DIR. Every key is checked: unknown keys, wrong types,
 * columns used but not listed, bad formats and empty measure lists are refused with the key's
 * path in the message. Returns a new profile (free with ingest_profile_free) or NULL with ERR.
 */
struct ingest_profile *ingest_profile_load(const char *dir, const char *name_or_path,
					   struct cu_err *err);
/* Parse a profile from JSON text (TEXT, LEN bytes); SOURCE names it in errors. */
struct ingest_profile *ingest_profile_parse(const char *text, size_t len, const char *source,
					    struct cu_err *err);
void ingest_profile_free(struct ingest_profile *p);

#endif
