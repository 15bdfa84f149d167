/* The catalogue loader; see catalogue.h. */
#include "ingest/catalogue.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"

static int bad(struct cu_err *err, const char *path, const char *list, size_t i, const char *key,
	       const char *what)
{
	return cu_err_setloc(err, CU_EINVAL, path, 0, NULL, "%s[%zu].%s: %s", list, i, key, what);
}

/* Copy string member KEY of O into DST (size N); required unless OPTIONAL. */
static int str(struct cu_err *err, const char *path, const char *list, size_t i, json_t *o,
	       const char *key, char *dst, size_t n, int optional)
{
	json_t *v = json_object_get(o, key); /* borrowed */

	dst[0] = '\0';
	if (!v && optional)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0)
		return bad(err, path, list, i, key, "expected a non-empty string");
	if (json_string_length(v) >= n)
		return bad(err, path, list, i, key, "too long");
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int en(struct cu_err *err, const char *path, size_t i, json_t *o, const char *key,
	      int (*parse)(const char *), const char *expect, int *out)
{
	char v[64], msg[160];

	if (str(err, path, "indicators", i, o, key, v, sizeof v, 0))
		return CU_EINVAL;
	if ((*out = parse(v)) < 0) {
		snprintf(msg, sizeof msg, "\"%s\": expected %s", v, expect);
		return bad(err, path, "indicators", i, key, msg);
	}
	return 0;
}

static int num(struct cu_err *err, const char *path, size_t i, json_t *o, const char *key,
	       bool *has, double *out)
{
	json_t *v = json_object_get(o, key); /* borrowed */

	*has = v != NULL;
	if (!v)
		return 0;
	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return bad(err, path, "indicators", i, key, "expected a number");
	*out = json_number_value(v);
	return 0;
}

static int load(struct store *s, const struct cu_actor *a, const char *path, json_t *root,
		int *ns, int *ni, struct cu_err *err)
{
	json_t *svcs = json_object_get(root, "services"), *inds = json_object_get(root, "indicators");
	json_t *o, *ver = json_object_get(root, "catalogue");
	size_t i;
	int rc;

	if (!json_is_integer(ver) || json_integer_value(ver) != 1)
		return cu_err_setloc(err, CU_EINVAL, path, 0, NULL,
				     "expected \"catalogue\": 1 (the format version)");
	if (!json_is_array(svcs) || !json_is_array(inds))
		return cu_err_setloc(err, CU_EINVAL, path, 0, NULL,
				     "expected lists \"services\" and \"indicators\"");
	json_array_foreach(svcs, i, o) {
		struct store_service v = { 0 };

		if ((rc = str(err, path, "services", i, o, "code", v.code, sizeof v.code, 0)) ||
		    (rc = str(err, path, "services", i, o, "name", v.name, sizeof v.name, 0)) ||
		    (rc = store_service_put(s, a, &v, err)))
			return rc;
	}
	json_array_foreach(inds, i, o) {
		struct store_indicator v = { 0 };
		int d, m, p;
		bool has_mult;

		if ((rc = str(err, path, "indicators", i, o, "code", v.code, sizeof v.code, 0)) ||
		    (rc = str(err, path, "indicators", i, o, "title", v.title, sizeof v.title, 0)) ||
		    (rc = str(err, path, "indicators", i, o, "service", v.service, sizeof v.service,
			      0)) ||
		    (rc = en(err, path, i, o, "domain", model_domain_parse,
			     "safety, effectiveness or experience", &d)) ||
		    (rc = en(err, path, i, o, "measure", model_measure_parse,
			     "proportion, rate, count, mean or ratio", &m)) ||
		    (rc = en(err, path, i, o, "polarity", model_polarity_parse,
			     "higher_is_better, lower_is_better or neither", &p)) ||
		    (rc = str(err, path, "indicators", i, o, "unit", v.unit, sizeof v.unit, 0)) ||
		    (rc = str(err, path, "indicators", i, o, "definition", v.definition,
			      sizeof v.definition, 0)) ||
		    (rc = str(err, path, "indicators", i, o, "source", v.source, sizeof v.source,
			      0)) ||
		    (rc = num(err, path, i, o, "target", &v.has_target, &v.target)) ||
		    (rc = num(err, path, i, o, "multiplier", &has_mult, &v.multiplier)))
			return rc;
		v.domain = (enum model_domain)d;
		v.measure = (enum model_measure)m;
		v.polarity = (enum model_polarity)p;
		if (!has_mult)
			v.multiplier = 1;
		if (v.multiplier <= 0)
			return bad(err, path, "indicators", i, "multiplier", "expected a number above 0");
		if (v.measure == MODEL_MEASURE_PROPORTION && v.has_target &&
		    (v.target < 0 || v.target > 1))
			return bad(err, path, "indicators", i, "target",
				   "a proportion's target is a share from 0 to 1");
		if ((rc = store_indicator_put(s, a, &v, err)))
			return rc;
	}
	if (ns)
		*ns = (int)json_array_size(svcs);
	if (ni)
		*ni = (int)json_array_size(inds);
	return 0;
}

int ingest_catalogue_load(struct store *s, const struct cu_actor *a, const char *path,
			  int *nservices, int *nindicators, struct cu_err *err)
{
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je); /* new reference */
	int rc;

	if (!root)
		return cu_err_setloc(err, CU_EINVAL, path, je.line, NULL, "bad JSON: %s", je.text);
	if ((rc = store_begin(s, err)) == 0) {
		rc = load(s, a, path, root, nservices, nindicators, err);
		if (rc)
			store_rollback(s);
		else
			rc = store_commit(s, err);
	}
	json_decref(root);
	return rc;
}
