/*
 * Loading and validating import profiles; see profile.h. Profiles are small JSON documents read
 * with Jansson's strict decoder (duplicate keys refused); every key is checked against a table
 * of the keys allowed at that place, so a misspelt key is an error, not a silent default.
 */
#include "ingest/profile.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/mem.h"
#include "ingest/spells.h"
#include "model/catalogue.h"

static const char *const target_names[INGEST_TARGET__MAX] = { "observations", "organisations",
								"spells" };

struct ctx {
	const char *source;
	struct cu_err *err;
};

static int fail(struct ctx *c, const char *key, const char *fmt, const char *a)
{
	char msg[1024];

	snprintf(msg, sizeof msg, fmt, a ? a : "");
	return cu_err_setloc(c->err, CU_EINVAL, c->source, 0, NULL, "profile key \"%s\": %s", key,
			     msg);
}

/* Refuse keys of OBJ not in ALLOWED (NULL-terminated). */
static int only_keys(struct ctx *c, json_t *obj, const char *where, const char *const *allowed)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		size_t i;

		for (i = 0; allowed[i]; i++)
			if (strcmp(k, allowed[i]) == 0)
				break;
		if (!allowed[i]) {
			char path[128];

			snprintf(path, sizeof path, "%s%s%s", where, *where ? "." : "", k);
			return fail(c, path, "unknown key%s", "");
		}
	}
	return 0;
}

/* A string member: required or optional (NULL when absent). */
static int get_str(struct ctx *c, json_t *obj, const char *key, bool required, char **out)
{
	json_t *v = json_object_get(obj, key); /* borrowed */

	*out = NULL;
	if (!v)
		return required ? fail(c, key, "required, expected a string%s", "") : 0;
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > CU_MAX_NAME * 4)
		return fail(c, key, "expected a non-empty string of at most 1024 bytes%s", "");
	*out = xstrdup(json_string_value(v));
	return 0;
}

static int get_strs(struct ctx *c, json_t *obj, const char *key, bool required,
		    struct ingest_strs *out)
{
	json_t *v = json_object_get(obj, key), *e; /* borrowed */
	size_t i;

	out->n = 0;
	out->s = NULL;
	if (!v)
		return required ? fail(c, key, "required, expected a list of strings%s", "") : 0;
	if (!json_is_array(v) || json_array_size(v) > CU_MAX_PROFILE_RULES)
		return fail(c, key, "expected a list of at most 256 strings%s", "");
	out->s = xcalloc(json_array_size(v) + 1, sizeof *out->s);
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return fail(c, key, "expected a list of strings%s", "");
		out->s[out->n++] = xstrdup(json_string_value(e));
	}
	return 0;
}

static void free_strs(struct ingest_strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->s[i]);
	free(s->s);
	s->n = 0;
	s->s = NULL;
}

static bool in_strs(const struct ingest_strs *s, const char *v)
{
	for (size_t i = 0; v && i < s->n; i++)
		if (strcmp(s->s[i], v) == 0)
			return true;
	return false;
}

/* A column the profile uses must be one it lists. */
static int check_col(struct ctx *c, const struct ingest_profile *p, const char *key,
		     const char *col)
{
	if (col && !in_strs(&p->columns, col))
		return fail(c, key, "column \"%s\" is not in \"columns\"", col);
	return 0;
}

/* Every {column} in a template must name a listed column. */
static int check_template(struct ctx *c, const struct ingest_profile *p, const char *t)
{
	for (const char *o = strchr(t, '{'); o; o = strchr(o + 1, '{')) {
		const char *e = strchr(o, '}');
		char col[CU_MAX_NAME];

		if (!e || (size_t)(e - o - 1) >= sizeof col)
			return fail(c, "indicator", "unclosed or over-long {column} in \"%s\"", t);
		memcpy(col, o + 1, (size_t)(e - o - 1));
		col[e - o - 1] = '\0';
		if (!in_strs(&p->columns, col))
			return fail(c, "indicator", "template names column \"%s\" not in \"columns\"",
				    col);
	}
	return 0;
}

static int parse_measure(struct ctx *c, struct ingest_profile *p, json_t *m,
			 struct ingest_measure *out)
{
	static const char *const keys[] = { "indicator", "value", "numerator", "denominator",
					    "when", "categories", NULL };
	json_t *when;
	int rc;

	if (!json_is_object(m))
		return fail(c, "measures", "expected a list of objects%s", "");
	if ((rc = only_keys(c, m, "measures", keys)) || (rc = get_str(c, m, "indicator", true, &out->indicator)) ||
	    (rc = check_template(c, p, out->indicator)))
		return rc;
	if (p->long_format) {
		const char *k;
		json_t *v;

		if (json_object_get(m, "value") || json_object_get(m, "numerator") ||
		    json_object_get(m, "denominator"))
			return fail(c, "measures", "a long-format measure takes \"when\" and "
						   "\"categories\", not columns%s", "");
		when = json_object_get(m, "when");
		if (!json_is_object(when) || json_object_size(when) == 0)
			return fail(c, "when", "required for long format, expected an object of "
					       "column: value%s", "");
		out->when_columns.s = xcalloc(json_object_size(when) + 1, sizeof(char *));
		out->when_values.s = xcalloc(json_object_size(when) + 1, sizeof(char *));
		json_object_foreach(when, k, v) {
			if (!json_is_string(v))
				return fail(c, "when", "expected string values%s", "");
			if ((rc = check_col(c, p, "when", k)))
				return rc;
			out->when_columns.s[out->when_columns.n++] = xstrdup(k);
			out->when_values.s[out->when_values.n++] = xstrdup(json_string_value(v));
		}
		if ((rc = get_strs(c, m, "categories", true, &out->categories)))
			return rc;
		if (out->categories.n == 0)
			return fail(c, "categories", "expected at least one category%s", "");
		return 0;
	}
	if ((rc = get_str(c, m, "value", false, &out->value)) ||
	    (rc = get_str(c, m, "numerator", false, &out->numerator)) ||
	    (rc = get_str(c, m, "denominator", false, &out->denominator)) ||
	    (rc = check_col(c, p, "value", out->value)) ||
	    (rc = check_col(c, p, "numerator", out->numerator)) ||
	    (rc = check_col(c, p, "denominator", out->denominator)))
		return rc;
	if (!out->value && !out->numerator)
		return fail(c, "measures", "each measure needs \"value\" or \"numerator\"%s", "");
	if (json_object_get(m, "when") || json_object_get(m, "categories"))
		return fail(c, "measures", "\"when\" and \"categories\" need \"long\"%s", "");
	return 0;
}

static int parse_observations(struct ctx *c, struct ingest_profile *p, json_t *root)
{
	static const char *const period_keys[] = { "column", "format", "grain", NULL };
	static const char *const long_keys[] = { "category", "value", "missing_categories", NULL };
	json_t *period = json_object_get(root, "period"), *lng = json_object_get(root, "long");
	json_t *measures = json_object_get(root, "measures"), *m;
	char *fmt = NULL, *grain = NULL;
	size_t i;
	int rc, f, g;

	if ((rc = get_str(c, root, "organisation", true, &p->org_column)) ||
	    (rc = check_col(c, p, "organisation", p->org_column)))
		return rc;
	if (!json_is_object(period))
		return fail(c, "period", "required, expected an object with column, format and "
					 "grain%s", "");
	if ((rc = only_keys(c, period, "period", period_keys)) ||
	    (rc = get_str(c, period, "column", true, &p->period_column)) ||
	    (rc = check_col(c, p, "period.column", p->period_column)) ||
	    (rc = get_str(c, period, "format", true, &fmt)) ||
	    (rc = get_str(c, period, "grain", true, &grain)))
		goto out;
	if ((f = model_period_format_parse(fmt)) < 0) {
		rc = fail(c, "period.format", "\"%s\": expected iso-date, yyyy-mm, mon-yyyy or fy",
			  fmt);
		goto out;
	}
	if ((g = model_grain_parse(grain)) < 0) {
		rc = fail(c, "period.grain", "\"%s\": expected month, quarter or year", grain);
		goto out;
	}
	p->period_format = (enum model_period_format)f;
	p->grain = (enum model_grain)g;
	if (lng) {
		if (!json_is_object(lng)) {
			rc = fail(c, "long", "expected an object%s", "");
			goto out;
		}
		p->long_format = true;
		if ((rc = only_keys(c, lng, "long", long_keys)) ||
		    (rc = get_str(c, lng, "category", true, &p->category_column)) ||
		    (rc = check_col(c, p, "long.category", p->category_column)) ||
		    (rc = get_str(c, lng, "value", true, &p->value_column)) ||
		    (rc = check_col(c, p, "long.value", p->value_column)) ||
		    (rc = get_strs(c, lng, "missing_categories", false, &p->missing_categories)))
			goto out;
	}
	if (!json_is_array(measures) || json_array_size(measures) == 0 ||
	    json_array_size(measures) > CU_MAX_PROFILE_RULES) {
		rc = fail(c, "measures", "required, expected a list of 1 to 256 measures%s", "");
		goto out;
	}
	p->measure = xcalloc(json_array_size(measures), sizeof *p->measure);
	json_array_foreach(measures, i, m) {
		rc = parse_measure(c, p, m, &p->measure[p->nmeasure++]);
		if (rc)
			goto out;
	}
out:
	free(fmt);
	free(grain);
	return rc;
}

static int parse_organisations(struct ctx *c, struct ingest_profile *p, json_t *root)
{
	static const char *const keys[] = { "code", "name", "kind", "parent", "postcode", "latitude",
					    "longitude", "valid_from", "valid_to", "default_kind",
					    "date_format", NULL };
	json_t *o = json_object_get(root, "fields");
	char **slots[] = { &p->code_column, &p->name_column, &p->kind_column, &p->parent_column,
			   &p->postcode_column, &p->latitude_column, &p->longitude_column,
			   &p->valid_from_column, &p->valid_to_column };
	char *fmt = NULL;
	int rc, f;

	if (!json_is_object(o))
		return fail(c, "fields", "required for organisations, expected an object%s", "");
	if ((rc = only_keys(c, o, "fields", keys)))
		return rc;
	for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
		if ((rc = get_str(c, o, keys[i], i < 2, slots[i])) ||
		    (rc = check_col(c, p, keys[i], *slots[i])))
			return rc;
	if ((rc = get_str(c, o, "default_kind", false, &p->default_kind)))
		return rc;
	if (!p->default_kind)
		p->default_kind = xstrdup("provider");
	if (model_org_kind_parse(p->default_kind) < 0)
		return fail(c, "default_kind", "\"%s\": expected provider, commissioner, regulator "
					       "or oversight", p->default_kind);
	if ((rc = get_str(c, o, "date_format", false, &fmt)))
		return rc;
	f = fmt ? model_period_format_parse(fmt) : MODEL_PF_ISO_DATE;
	if (f != MODEL_PF_ISO_DATE && f != MODEL_PF_YYYYMMDD)
		rc = fail(c, "date_format", "\"%s\": expected iso-date or yyyymmdd", fmt);
	p->date_format = (enum model_period_format)f;
	free(fmt);
	return rc;
}

/*
 * A spells profile: the format is fixed by the engine, so the profile lists exactly its nine
 * columns (in any order; the engine ignores any others in a file) and names the ratio
 * indicator the results land as. Keys for other targets are refused rather than ignored.
 */
static int parse_spells(struct ctx *c, struct ingest_profile *p, json_t *root)
{
	static const char *const other[] = { "suppressed", "missing", "keep", "map",
					     "organisation", "period", "long", "measures",
					     "fields", NULL };
	int rc;

	for (size_t i = 0; other[i]; i++)
		if (json_object_get(root, other[i]))
			return fail(c, other[i], "not used by a spells profile%s", "");
	if ((rc = get_str(c, root, "indicator", true, &p->indicator)))
		return rc;
	if (model_code_check(cu_str_of(p->indicator), "indicator", NULL))
		return fail(c, "indicator", "\"%s\": expected an indicator code such as SHMI",
			    p->indicator);
	if (json_is_false(json_object_get(root, "allow_extra_columns")))
		return fail(c, "allow_extra_columns", "a spells file's other columns are always "
						      "ignored: expected true or no key%s", "");
	if (p->columns.n != SPELLS_NCOLUMNS)
		return fail(c, "columns", "expected the nine spells columns%s", "");
	for (size_t i = 0; i < SPELLS_NCOLUMNS; i++)
		if (!in_strs(&p->columns, spells_column[i]))
			return fail(c, "columns", "missing \"%s\": expected the nine spells columns",
				    spells_column[i]);
	return 0;
}

static int parse_root(struct ctx *c, struct ingest_profile *p, json_t *root)
{
	static const char *const keys[] = { "profile", "name", "title", "source", "target",
					    "columns", "allow_extra_columns", "suppressed",
					    "missing", "keep", "map", "organisation", "period",
					    "long", "measures", "fields", "indicator", NULL };
	json_t *ver = json_object_get(root, "profile"), *keep, *map, *v;
	char *target = NULL;
	const char *k;
	size_t i;
	int rc;

	if (!json_is_object(root))
		return fail(c, "(top)", "expected a JSON object%s", "");
	if ((rc = only_keys(c, root, "", keys)))
		return rc;
	if (!json_is_integer(ver) || json_integer_value(ver) != 1)
		return fail(c, "profile", "expected the profile format version 1%s", "");
	if ((rc = get_str(c, root, "name", true, &p->name)) ||
	    (rc = get_str(c, root, "title", true, &p->title)) ||
	    (rc = get_str(c, root, "source", false, &p->source)) ||
	    (rc = get_str(c, root, "target", false, &target)) ||
	    (rc = get_strs(c, root, "columns", true, &p->columns)) ||
	    (rc = get_strs(c, root, "suppressed", false, &p->suppressed)) ||
	    (rc = get_strs(c, root, "missing", false, &p->missing)))
		goto out;
	p->target = INGEST_TARGET_OBSERVATIONS;
	if (target) {
		for (i = 0; i < INGEST_TARGET__MAX; i++)
			if (strcmp(target, target_names[i]) == 0)
				break;
		if (i == INGEST_TARGET__MAX) {
			rc = fail(c, "target", "\"%s\": expected observations, organisations or "
						 "spells", target);
			goto out;
		}
		p->target = (enum ingest_target)i;
	}
	if (p->columns.n == 0 || p->columns.n > CU_MAX_COLUMNS) {
		rc = fail(c, "columns", "expected 1 to 512 column names%s", "");
		goto out;
	}
	v = json_object_get(root, "allow_extra_columns");
	if (v && !json_is_boolean(v)) {
		rc = fail(c, "allow_extra_columns", "expected true or false%s", "");
		goto out;
	}
	p->allow_extra_columns = v && json_is_true(v);
	if ((keep = json_object_get(root, "keep"))) {
		if (!json_is_object(keep) || json_object_size(keep) > CU_MAX_PROFILE_RULES) {
			rc = fail(c, "keep", "expected an object of column: [values]%s", "");
			goto out;
		}
		p->keep = xcalloc(json_object_size(keep) + 1, sizeof *p->keep);
		json_object_foreach(keep, k, v) {
			struct ingest_keep *kp = &p->keep[p->nkeep++];
			json_t *wrap = json_pack("{sO}", "keep", v); /* new reference */

			kp->column = xstrdup(k);
			rc = get_strs(c, wrap, "keep", true, &kp->values);
			json_decref(wrap);
			if (rc || (rc = check_col(c, p, "keep", k)))
				goto out;
		}
	}
	if ((map = json_object_get(root, "map"))) {
		if (!json_is_object(map) || json_object_size(map) > CU_MAX_PROFILE_RULES) {
			rc = fail(c, "map", "expected an object of column: {from: to}%s", "");
			goto out;
		}
		p->map = xcalloc(json_object_size(map) + 1, sizeof *p->map);
		json_object_foreach(map, k, v) {
			struct ingest_map *mp = &p->map[p->nmap++];
			const char *from;
			json_t *to;

			mp->column = xstrdup(k);
			if ((rc = check_col(c, p, "map", k)))
				goto out;
			if (!json_is_object(v)) {
				rc = fail(c, "map", "expected {from: to} for column \"%s\"", k);
				goto out;
			}
			mp->from.s = xcalloc(json_object_size(v) + 1, sizeof(char *));
			mp->to.s = xcalloc(json_object_size(v) + 1, sizeof(char *));
			json_object_foreach(v, from, to) {
				if (!json_is_string(to)) {
					rc = fail(c, "map", "expected string values for column \"%s\"", k);
					goto out;
				}
				mp->from.s[mp->from.n++] = xstrdup(from);
				mp->to.s[mp->to.n++] = xstrdup(json_string_value(to));
			}
		}
	}
	if (p->target != INGEST_TARGET_SPELLS && json_object_get(root, "indicator")) {
		rc = fail(c, "indicator", "only a spells profile names one; measures name theirs%s",
			  "");
		goto out;
	}
	if (p->target == INGEST_TARGET_OBSERVATIONS)
		rc = parse_observations(c, p, root);
	else if (p->target == INGEST_TARGET_ORGANISATIONS)
		rc = parse_organisations(c, p, root);
	else
		rc = parse_spells(c, p, root);
out:
	free(target);
	return rc;
}

struct ingest_profile *ingest_profile_parse(const char *text, size_t len, const char *source,
					    struct cu_err *err)
{
	struct ctx c = { source, err };
	struct ingest_profile *p;
	json_error_t je;
	json_t *root;

	if (len > CU_MAX_PROFILE_BYTES) {
		cu_err_setloc(err, CU_ELIMIT, source, 0, NULL, "profile is larger than %d bytes",
			      CU_MAX_PROFILE_BYTES);
		return NULL;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je); /* new reference */
	if (!root) {
		cu_err_setloc(err, CU_EINVAL, source, je.line, NULL, "bad JSON: %s", je.text);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	if (parse_root(&c, p, root)) {
		ingest_profile_free(p);
		p = NULL;
	}
	json_decref(root);
	return p;
}

struct ingest_profile *ingest_profile_load(const char *dir, const char *name_or_path,
					   struct cu_err *err)
{
	char path[1024];
	size_t n = strlen(name_or_path);
	struct ingest_profile *p;
	char *text;
	long size;
	FILE *f;

	if (strchr(name_or_path, '/') || (n > 5 && strcmp(name_or_path + n - 5, ".json") == 0)) {
		if (n >= sizeof path) {
			cu_err_set(err, CU_EINVAL, "profile path is too long");
			return NULL;
		}
		memcpy(path, name_or_path, n + 1);
	} else {
		for (size_t i = 0; i < n; i++) {
			char ch = name_or_path[i];

			if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
			      ch == '-')) {
				cu_err_set(err, CU_EINVAL,
					   "bad profile name \"%.64s\": expected lower-case letters, "
					   "digits, '_' or '-', or a path to a .json file",
					   name_or_path);
				return NULL;
			}
		}
		if (snprintf(path, sizeof path, "%s/%s.json", dir, name_or_path) >= (int)sizeof path) {
			cu_err_set(err, CU_EINVAL, "profile path is too long");
			return NULL;
		}
	}
	if (!(f = fopen(path, "rb"))) {
		cu_err_set(err, CU_ENOENT, "no profile \"%s\" (looked for %s)", name_or_path, path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		cu_err_set(err, CU_EIO, "cannot read profile %s", path);
		return NULL;
	}
	if (size > CU_MAX_PROFILE_BYTES) {
		fclose(f);
		cu_err_setloc(err, CU_ELIMIT, path, 0, NULL, "profile is larger than %d bytes",
			      CU_MAX_PROFILE_BYTES);
		return NULL;
	}
	text = xmalloc((size_t)size + 1);
	if (fread(text, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		free(text);
		cu_err_set(err, CU_EIO, "cannot read profile %s", path);
		return NULL;
	}
	fclose(f);
	p = ingest_profile_parse(text, (size_t)size, path, err);
	free(text);
	if (p)
		p->path = xstrdup(path);
	return p;
}

static void free_measure(struct ingest_measure *m)
{
	free(m->indicator);
	free(m->value);
	free(m->numerator);
	free(m->denominator);
	free_strs(&m->when_columns);
	free_strs(&m->when_values);
	free_strs(&m->categories);
}

void ingest_profile_free(struct ingest_profile *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->title);
	free(p->source);
	free(p->path);
	free_strs(&p->columns);
	free_strs(&p->suppressed);
	free_strs(&p->missing);
	for (size_t i = 0; i < p->nkeep; i++) {
		free(p->keep[i].column);
		free_strs(&p->keep[i].values);
	}
	free(p->keep);
	for (size_t i = 0; i < p->nmap; i++) {
		free(p->map[i].column);
		free_strs(&p->map[i].from);
		free_strs(&p->map[i].to);
	}
	free(p->map);
	free(p->org_column);
	free(p->period_column);
	free(p->category_column);
	free(p->value_column);
	free_strs(&p->missing_categories);
	for (size_t i = 0; i < p->nmeasure; i++)
		free_measure(&p->measure[i]);
	free(p->measure);
	free(p->code_column);
	free(p->name_column);
	free(p->kind_column);
	free(p->parent_column);
	free(p->postcode_column);
	free(p->latitude_column);
	free(p->longitude_column);
	free(p->valid_from_column);
	free(p->valid_to_column);
	free(p->default_kind);
	free(p->indicator);
	free(p);
}
