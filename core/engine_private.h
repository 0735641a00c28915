/*
 * engine_private.h - what engine.c and engine_local.c share of a run
 *
 * engine.c runs the connector and the indicator plugins and sums the
 * office's counts; engine_local.c adds what only the office itself sees:
 * counts per list holder and the patients of one month's cells, both from
 * the patient origin the connector passes beside the event model. Nothing
 * here is written anywhere or logged.
 */
#ifndef KVALIND_ENGINE_PRIVATE_H
#define KVALIND_ENGINE_PRIVATE_H

#include "engine.h"
#include "setup.h"

/* Per loaded indicator plugin, during a run. */
struct plugin_run {
	struct kv_loaded *loaded;
	struct kv_call call;        /* its context; call.state NULL until init */
	uint32_t lookback;          /* init's lookback_months */
	bool initialised;           /* init succeeded: fini is due */
	bool active;                /* initialised and not failed */
	struct kv_series **series;  /* its indicators, descriptor order */
	struct kv_result_block block;
	/* the listed cells: member_index[i] is true for the indicators whose
	 * patients are listed (NULL when none of this plugin's are) */
	bool *member_index;
};

/* One list holder's counts while the run goes: n_series x n_months. */
struct holder_acc {
	uint64_t id;
	struct kv_cell *cells;
};

struct run {
	struct kv_setup *setup;
	struct kv_result *result;
	struct plugin_run *plugins;
	size_t n_plugins;
	bool progress;
	bool cancelled; /* stopped through setup->cancel */
	char bad_patient[160]; /* why a patient was refused, or "" */
	const kv_date *refs;   /* the reference date of each month */
	/* by list holder (kv_engine_options.by_holder) */
	bool by_holder;
	struct holder_acc *holders;
	size_t n_holders, cap_holders;
	size_t *holder_of_month; /* per month: index into holders, this patient */
	/* the listed cells (kv_engine_options.members), or NULL */
	struct kv_members *members;
	size_t members_month;
	uint64_t listed_seq;     /* the patient add_patient last saw (1-based) */
	bool listed_ok;          /* and whether it could be listed */
	double started, last_progress;
};

/* engine_local.c */

/* The origin bits the read must ask for. */
uint32_t kv_local_origin_wanted(const struct run *r);

/* Find the listed cells (members->indicator, or all computable ones) and
 * give their plugins decisive arrays. 0, or -1 with result->failure. */
int kv_local_prepare(struct run *r, kv_month first);

/* Reset the plugin's decisive arrays before its compute(). */
void kv_local_reset_block(struct run *r, struct plugin_run *p);

/* Once per patient, before the plugins' results are summed: the list
 * holder of each month (by_holder). 0, or -1 with r->bad_patient set. */
int kv_local_patient_holders(struct run *r, const struct kv_patient *patient,
			     const struct kv_patient_origin *origin);

/* After plugin p's compute() for the patient, its results checked: add
 * them per list holder and keep the listed cells' members. */
void kv_local_after_compute(struct run *r, struct plugin_run *p,
			    const struct kv_patient *patient,
			    const struct kv_patient_origin *origin);

/* After the read, before the connector closes: the holders' cells into the
 * result, and names looked up. 0, or -1 with result->failure. */
int kv_local_finish(struct run *r, const struct kv_call *conn_call);

/* Free what the run held (not the result or the members). */
void kv_local_free(struct run *r);

#endif /* KVALIND_ENGINE_PRIVATE_H */
