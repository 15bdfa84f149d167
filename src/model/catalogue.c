/* Names and code shapes of the catalogue vocabulary; see catalogue.h. */
#include "model/catalogue.h"

#include <string.h>

static const char *const domain_names[MODEL_DOMAIN__MAX] = { "safety", "effectiveness",
							     "experience" };
static const char *const domain_titles[MODEL_DOMAIN__MAX] = { "Safety", "Effectiveness",
							      "Patient experience" };
static const char *const measure_names[MODEL_MEASURE__MAX] = { "proportion", "rate", "count",
							       "mean", "ratio" };
static const char *const polarity_names[MODEL_POLARITY__MAX] = { "higher_is_better",
								 "lower_is_better", "neither" };
static const char *const kind_names[MODEL_ORG__MAX] = { "provider", "commissioner", "regulator",
							"oversight" };
static const char *const status_names[MODEL_OBS__MAX] = { "ok", "suppressed", "missing" };

static const char *name_of(const char *const *t, int n, int v)
{
	return v >= 0 && v < n ? t[v] : "?";
}

static int parse_in(const char *const *t, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(s, t[i]) == 0)
			return i;
	return -1;
}

const char *model_domain_name(enum model_domain d)
{
	return name_of(domain_names, MODEL_DOMAIN__MAX, (int)d);
}
const char *model_domain_title(enum model_domain d)
{
	return name_of(domain_titles, MODEL_DOMAIN__MAX, (int)d);
}
const char *model_measure_name(enum model_measure m)
{
	return name_of(measure_names, MODEL_MEASURE__MAX, (int)m);
}
const char *model_polarity_name(enum model_polarity p)
{
	return name_of(polarity_names, MODEL_POLARITY__MAX, (int)p);
}
const char *model_org_kind_name(enum model_org_kind k)
{
	return name_of(kind_names, MODEL_ORG__MAX, (int)k);
}
const char *model_obs_status_name(enum model_obs_status s)
{
	return name_of(status_names, MODEL_OBS__MAX, (int)s);
}
int model_domain_parse(const char *s) { return parse_in(domain_names, MODEL_DOMAIN__MAX, s); }
int model_measure_parse(const char *s) { return parse_in(measure_names, MODEL_MEASURE__MAX, s); }
int model_polarity_parse(const char *s) { return parse_in(polarity_names, MODEL_POLARITY__MAX, s); }
int model_org_kind_parse(const char *s) { return parse_in(kind_names, MODEL_ORG__MAX, s); }
int model_obs_status_parse(const char *s) { return parse_in(status_names, MODEL_OBS__MAX, s); }

bool model_measure_whole(enum model_measure m)
{
	return m == MODEL_MEASURE_PROPORTION || m == MODEL_MEASURE_RATE || m == MODEL_MEASURE_COUNT;
}

bool model_measure_needs_denominator(enum model_measure m)
{
	return m == MODEL_MEASURE_PROPORTION || m == MODEL_MEASURE_RATE || m == MODEL_MEASURE_RATIO;
}

int model_org_code_check(struct cu_str s, struct cu_err *err)
{
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];
	bool ok = s.n >= 3 && s.n <= 8;

	for (size_t i = 0; ok && i < s.n; i++)
		ok = (s.p[i] >= 'A' && s.p[i] <= 'Z') || (s.p[i] >= '0' && s.p[i] <= '9');
	if (ok)
		return 0;
	return cu_err_set(err, CU_EINVAL,
			  "bad organisation code \"%s\": expected 3 to 8 upper-case letters or "
			  "digits (an ODS code such as RF4)",
			  cu_err_quote(s.p, s.n, q, sizeof q));
}

int model_code_check(struct cu_str s, const char *what, struct cu_err *err)
{
	char q[CU_MAX_SHOWN_VALUE * 4 + 8];
	bool ok = s.n >= 2 && s.n <= CU_MAX_CODE && s.p[0] >= 'A' && s.p[0] <= 'Z';

	for (size_t i = 0; ok && i < s.n; i++) {
		char c = s.p[i];

		ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
	}
	if (ok)
		return 0;
	return cu_err_set(err, CU_EINVAL,
			  "bad %s code \"%s\": expected 2 to %d characters from A-Z, 0-9, '_' and "
			  "'.', starting with a letter",
			  what, cu_err_quote(s.p, s.n, q, sizeof q), CU_MAX_CODE);
}

#include "model/actor.h"

static const char *const role_names[MODEL_ROLE__MAX] = {
	"system", "admin", "commissioner", "provider", "regulator", "oversight", "public"
};

const char *model_role_name(enum model_role r)
{
	return name_of(role_names, MODEL_ROLE__MAX, (int)r);
}
int model_role_parse(const char *s) { return parse_in(role_names, MODEL_ROLE__MAX, s); }
