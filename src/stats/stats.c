/* Process-wide set-up and status strings for the statistics core. */
#include "stats/stats.h"

#include <gsl/gsl_errno.h>

void stats_init(void)
{
	gsl_set_error_handler_off();
}

const char *stats_strerror(int status)
{
	switch (status) {
	case STATS_OK: return "success";
	case STATS_EDOM: return "input outside the method's domain";
	case STATS_ERANGE: return "parameter out of range or out of order";
	case STATS_ENOCONV: return "iteration did not converge";
	case STATS_ESEPARATE: return "separation: a maximum likelihood estimate does not exist";
	case STATS_ESINGULAR: return "singular matrix: covariates are collinear";
	case STATS_ENOMEM: return "workspace too small";
	}
	return "unknown status";
}
