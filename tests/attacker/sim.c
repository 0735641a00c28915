/*
 * sim.c - one month's candidate counts through the office's algorithm (see
 * sim.h)
 *
 * v2 is kvalind's own code: a struct kv_result of the month (the series in
 * indicator-id order, as kvalind sorts them and the extract lists them; a
 * numerator not_applicable makes a mean, not_computable and failed statuses
 * make a series not computable or failed) and a struct kv_relations built
 * from the declared relations (parts in the order list-relations prints
 * them, "within" for "sum T within P") go through kv_disclosure_month(),
 * which reads no definition (def may be NULL). v1 is the frozen copy of
 * sim_v1.c on the same structures. A perturbed month is simulated only
 * with the office's cell key (judging: informed.c), which kv_disclosure_
 * month then uses as the office does; the noise of each cell is keyed by
 * its name, or by its equal relation's first cell's (sim_noise mirrors
 * that for the attacker's model check).
 *
 * The comparison is with every extract of the month as data.csv writes it:
 * statuses by name, published counts, shares as %.4f and means as %.2f.
 * For v1 one difference is accepted (sim_v1.h): a cell this simulator
 * publishes that the extract has as suppressed_secondary (v1's audit loop
 * hides such cells), with its share and mean.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell_key.h"
#include "disclosure.h"
#include "engine.h"
#include "informed.h"
#include "log.h"
#include "relations.h"
#include "sim.h"
#include "sim_v1.h"

long sim_runs;

typedef struct {
	int present;
	uint8_t st[2];
	uint64_t v[2];
	char share[24], mean[24];
	char where[96];
} Row;

struct SimMonth {
	int version;
	int month;
	size_t ns;
	int *ind;            /* series -> indicator */
	int *series_of;      /* indicator -> series, or -1 */
	struct kv_series *series;
	struct kv_cell *cells;
	struct kv_result res;
	struct kv_relations rel;
	struct kv_disclosure_params p;
	size_t n_extracts;
	Row *rows;           /* n_extracts * ns */
	struct kv_published *out;
	char (*noise_names)[160]; /* real cell 2*s + k -> the name its noise is keyed by */
	unsigned draw;            /* the draw of the noise sim_noise gives (sim_set_draw) */
};

static uint8_t kv_status(int st)
{
	switch (st) {
	case ST_PUBLISHED:
		return KV_CELL_PUBLISHED;
	case ST_SMALL:
		return KV_CELL_SMALL;
	case ST_COMPLEMENT:
		return KV_CELL_COMPLEMENT;
	case ST_SECONDARY:
		return KV_CELL_SECONDARY;
	case ST_NOT_APPLICABLE:
		return KV_CELL_NOT_APPLICABLE;
	case ST_FAILED:
		return KV_CELL_FAILED;
	case ST_WITHHELD:
		return KV_CELL_WITHHELD;
	default:
		return KV_CELL_NOT_COMPUTABLE;
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(ind_names[*(const int *)a], ind_names[*(const int *)b]);
}

SimMonth *sim_new(int version, const Model *md, const size_t *oi, size_t no,
		  const unsigned char *key, char *why, size_t whylen)
{
	static int log_quiet;
	if (!log_quiet) {
		/* kv_disclosure_month warns about every withheld candidate */
		kv_log_set_level(KV_LOG_ERROR);
		log_quiet = 1;
	}
	if (md->noise > 0 && key == NULL) {
		snprintf(why, whylen, "perturbed (cell-key noise): simulating the office needs its "
			 "key (--cell-key)");
		return NULL;
	}
	for (size_t i = 0; i < no; i++) {
		const Obs *o = &obs[oi[i]];
		if (version == INFORMED_V2 && o->algorithm != 0 && o->algorithm != 2) {
			snprintf(why, whylen, "%s: the manifest says algorithm %d, not 2", o->where,
				 o->algorithm);
			return NULL;
		}
	}
	SimMonth *sm = xrealloc(NULL, sizeof *sm);
	memset(sm, 0, sizeof *sm);
	sm->version = version;
	sm->month = md->month;
	sm->series_of = xrealloc(NULL, (n_inds ? n_inds : 1) * sizeof *sm->series_of);
	sm->ind = xrealloc(NULL, (n_inds ? n_inds : 1) * sizeof *sm->ind);
	for (size_t i = 0; i < n_inds; i++)
		sm->series_of[i] = -1;
	int max_extract = -1;
	for (size_t i = 0; i < no; i++) {
		const Obs *o = &obs[oi[i]];
		if (sm->series_of[o->ind] < 0) {
			sm->series_of[o->ind] = 0;
			sm->ind[sm->ns++] = o->ind;
		}
		if (o->extract > max_extract)
			max_extract = o->extract;
	}
	qsort(sm->ind, sm->ns, sizeof *sm->ind, cmp_names);
	for (size_t s = 0; s < sm->ns; s++)
		sm->series_of[sm->ind[s]] = (int)s;

	/* the extracts of the month, renumbered 0.. */
	int *ext_no = xrealloc(NULL, (size_t)(max_extract + 2) * sizeof *ext_no);
	for (int e = 0; e <= max_extract; e++)
		ext_no[e] = -1;
	for (size_t i = 0; i < no; i++)
		if (ext_no[obs[oi[i]].extract] < 0)
			ext_no[obs[oi[i]].extract] = (int)sm->n_extracts++;
	sm->rows = xrealloc(NULL, sm->n_extracts * sm->ns * sizeof *sm->rows);
	memset(sm->rows, 0, sm->n_extracts * sm->ns * sizeof *sm->rows);

	sm->series = xrealloc(NULL, (sm->ns ? sm->ns : 1) * sizeof *sm->series);
	sm->cells = xrealloc(NULL, (sm->ns ? sm->ns : 1) * sizeof *sm->cells);
	memset(sm->series, 0, (sm->ns ? sm->ns : 1) * sizeof *sm->series);
	memset(sm->cells, 0, (sm->ns ? sm->ns : 1) * sizeof *sm->cells);
	for (size_t s = 0; s < sm->ns; s++) {
		struct kv_series *se = &sm->series[s];
		se->id = ind_names[sm->ind[s]];
		se->version = 1;
		se->plugin = "attacker";
		se->type = ind_is_mean[sm->ind[s]] ? KV_INDICATOR_MEAN : KV_INDICATOR_PROPORTION;
		se->computable = true;
		se->cells = &sm->cells[s];
	}
	for (size_t i = 0; i < no; i++) {
		const Obs *o = &obs[oi[i]];
		int s = sm->series_of[o->ind];
		Row *r = &sm->rows[(size_t)ext_no[o->extract] * sm->ns + (size_t)s];
		r->present = 1;
		for (int k = 0; k < 2; k++) {
			r->st[k] = kv_status(o->st[k]);
			r->v[k] = o->st[k] == ST_PUBLISHED ? (uint64_t)o->v[k] : 0;
			if (o->st[k] == ST_NOT_COMPUTABLE)
				sm->series[s].computable = false;
			if (o->st[k] == ST_FAILED)
				sm->series[s].failed = true;
		}
		snprintf(r->share, sizeof r->share, "%s", o->share);
		snprintf(r->mean, sizeof r->mean, "%s", o->mean);
		snprintf(r->where, sizeof r->where, "%s", o->where);
	}
	free(ext_no);
	sm->res.first_month = (kv_month)md->month;
	sm->res.n_months = 1;
	sm->res.series = sm->series;
	sm->res.n_series = sm->ns;
	memset(&sm->p, 0, sizeof sm->p);
	sm->p.min_count = (uint32_t)md->M;
	sm->p.rounding_base = (uint32_t)md->B;
	if (md->noise > 0) {
		sm->p.noise_max = (uint32_t)md->noise;
		memcpy(sm->p.cell_key, key, sizeof sm->p.cell_key);
	}

	/* the declared relations, over the indicators of the month */
	for (size_t r = 0; r < n_rels; r++) {
		const Relation *rl = &rels[r];
		if (rl->advisory)
			continue;
		int all = 1;
		for (int c = 0; c < rl->ncells; c++)
			all = all && sm->series_of[rl->cell[c] / 3] >= 0;
		if (!all) {
			snprintf(why, whylen, "relation [%s] names an indicator that is not in the "
				 "month's extract", rl->text);
			sim_free(sm);
			return NULL;
		}
		sm->rel.items = xrealloc(sm->rel.items, (sm->rel.n + 1) * sizeof *sm->rel.items);
		struct kv_relation *kr = &sm->rel.items[sm->rel.n++];
		memset(kr, 0, sizeof *kr);
		kr->type = rl->kind == REL_EQUAL      ? KV_REL_EQUAL
			   : rl->kind == REL_COMPLETE ? KV_REL_SUM_COMPLETE
						      : KV_REL_SUM_PARTIAL;
		kr->within = rl->within;
		snprintf(kr->population, sizeof kr->population, "relation-%zu", r);
		struct kv_cell_ref *refs = xrealloc(NULL, (size_t)rl->ncells * sizeof *refs);
		for (int c = 0; c < rl->ncells; c++)
			refs[c] = (struct kv_cell_ref){(uint32_t)sm->series_of[rl->cell[c] / 3],
						       (uint32_t)(rl->cell[c] % 3)};
		kr->total = refs[0];
		kr->n_parts = (size_t)rl->ncells - 1;
		kr->parts = xrealloc(NULL, (kr->n_parts ? kr->n_parts : 1) * sizeof *kr->parts);
		memcpy(kr->parts, refs + 1, kr->n_parts * sizeof *kr->parts);
		free(refs);
	}
	sm->out = xrealloc(NULL, (sm->ns ? sm->ns : 1) * sizeof *sm->out);
	if (md->noise > 0) {
		/* as kvalind names them: each cell's own name, but the parts of an
		 * equal relation take its first cell's (one population, one noise) */
		size_t n = 2 * sm->ns;
		sm->noise_names = xrealloc(NULL, (n ? n : 1) * sizeof *sm->noise_names);
		for (size_t c = 0; c < n; c++)
			snprintf(sm->noise_names[c], sizeof sm->noise_names[c], "%s.%s",
				 ind_names[sm->ind[c / 2]], c % 2 ? "denominator" : "numerator");
		for (size_t i = 0; i < sm->rel.n; i++) {
			const struct kv_relation *r = &sm->rel.items[i];
			if (r->type != KV_REL_EQUAL)
				continue;
			size_t total = 2 * (size_t)r->total.series + r->total.kind;
			for (size_t k = 0; k < r->n_parts; k++)
				memcpy(sm->noise_names[2 * (size_t)r->parts[k].series + r->parts[k].kind],
				       sm->noise_names[total], sizeof sm->noise_names[total]);
		}
	}
	return sm;
}

int64_t sim_noise(const SimMonth *sm, int ind, int k, uint64_t t)
{
	if (!sm->noise_names || sm->series_of[ind] < 0)
		return 0;
	return kv_cell_key_noise(sm->p.cell_key, sm->noise_names[2 * sm->series_of[ind] + k], t,
				 sm->p.noise_max, sm->draw);
}

void sim_set_draw(SimMonth *sm, unsigned draw)
{
	sm->draw = draw;
}

void sim_free(SimMonth *sm)
{
	if (!sm)
		return;
	for (size_t i = 0; i < sm->rel.n; i++)
		free(sm->rel.items[i].parts);
	free(sm->rel.items);
	free(sm->ind);
	free(sm->series_of);
	free(sm->series);
	free(sm->cells);
	free(sm->rows);
	free(sm->out);
	free(sm->noise_names);
	free(sm);
}

/* The value sum that makes series s's mean what extract 0 published (for
 * the denominator it published: v2 divides by the published one, v1 by the
 * true one, d), or 0 when it published none. */
static double fit_value_sum(const SimMonth *sm, size_t s, uint64_t d)
{
	const Row *r = &sm->rows[s];
	if (!r->present || !*r->mean || r->st[1] != KV_CELL_PUBLISHED || r->v[1] == 0)
		return 0;
	double mean = strtod(r->mean, NULL);
	char want[32];
	if (sm->version == INFORMED_V1) {
		if (d == 0)
			return 0;
		return mean * (double)d;
	}
	/* v2: mean = (value sum rounded to the grid) / published denominator */
	double grid = (double)KV_MEAN_SUM_GRID * (double)sm->p.rounding_base;
	double k0 = floor(mean * (double)r->v[1] / grid + 0.5);
	for (int dk = 0; dk <= 4; dk++)
		for (int sign = 1; sign >= -1; sign -= 2) {
			double sum = (k0 + sign * dk) * grid;
			if (sum < 0)
				continue;
			snprintf(want, sizeof want, "%.2f",
				 kv_disclosure_mean_sum(&sm->p, sum) / (double)r->v[1]);
			if (!strcmp(want, r->mean))
				return sum;
		}
	return k0 * grid; /* none fits: the comparison will say so */
}

static void cell_desc(const SimMonth *sm, size_t s, int k, uint8_t st, uint64_t v, char *buf,
		      size_t size)
{
	if (st == KV_CELL_PUBLISHED)
		snprintf(buf, size, "%s.%s published %llu", ind_names[sm->ind[s]],
			 k ? "denominator" : "numerator", (unsigned long long)v);
	else
		snprintf(buf, size, "%s.%s %s", ind_names[sm->ind[s]],
			 k ? "denominator" : "numerator",
			 kv_cell_status_name((enum kv_cell_status)st));
}

/* Run the algorithm on sm->cells and compare with every extract. */
static int run_and_compare(SimMonth *sm, char *diff, size_t difflen)
{
	sim_runs++;
	char err[1024];
	if (sm->version == INFORMED_V2) {
		if (kv_disclosure_month(&sm->res, &sm->rel, &sm->p, 0, sm->out, err, sizeof err) !=
		    0) {
			snprintf(diff, difflen, "kv_disclosure_month refused the month: %s", err);
			return 0;
		}
	} else {
		sim_v1_month(&sm->res, &sm->rel, &sm->p, 0, sm->out);
	}
	for (size_t e = 0; e < sm->n_extracts; e++)
		for (size_t s = 0; s < sm->ns; s++) {
			const Row *r = &sm->rows[e * sm->ns + s];
			const struct kv_published *o = &sm->out[s];
			if (!r->present)
				continue;
			uint8_t st[2] = {o->numerator_status, o->denominator_status};
			uint64_t v[2] = {o->numerator, o->denominator};
			int relaxed[2] = {0, 0};
			for (int k = 0; k < 2; k++) {
				if (st[k] == r->st[k] && (st[k] != KV_CELL_PUBLISHED || v[k] == r->v[k]))
					continue;
				if (sm->version == INFORMED_V1 && st[k] == KV_CELL_PUBLISHED &&
				    r->st[k] == KV_CELL_SECONDARY) {
					relaxed[k] = 1; /* v1's audit loop may hide it */
					continue;
				}
				char a[200], b[200];
				cell_desc(sm, s, k, st[k], v[k], a, sizeof a);
				cell_desc(sm, s, k, r->st[k], r->v[k], b, sizeof b);
				snprintf(diff, difflen, "simulated %s, published %s (%s)", a, b,
					 r->where);
				return 0;
			}
			char share[32] = "", mean[32] = "";
			if (o->has_share)
				snprintf(share, sizeof share, "%.4f", o->share);
			if (o->has_mean)
				snprintf(mean, sizeof mean, "%.2f", o->mean);
			if (strcmp(share, r->share) != 0 && !(relaxed[0] || relaxed[1])) {
				snprintf(diff, difflen, "simulated share '%s', published '%s' (%s)", share,
					 r->share, r->where);
				return 0;
			}
			if (strcmp(mean, r->mean) != 0 && !relaxed[1]) {
				snprintf(diff, difflen, "simulated mean '%s', published '%s' (%s)", mean,
					 r->mean, r->where);
				return 0;
			}
		}
	return 1;
}

int sim_kept(SimMonth *sm, const Model *md, const int64_t *x, char *diff, size_t difflen)
{
	for (size_t s = 0; s < sm->ns; s++) {
		int ind = sm->ind[s];
		struct kv_cell *c = &sm->cells[s];
		int64_t d = x[md->rep[var_d(ind)]];
		int64_t n = ind_is_mean[ind] ? d : x[md->rep[var_n(ind)]];
		c->numerator = n < 0 ? 0 : (uint64_t)n;
		c->denominator = d < 0 ? 0 : (uint64_t)d;
		c->value_sum = ind_is_mean[ind] ? fit_value_sum(sm, s, c->denominator) : 0;
	}
	return run_and_compare(sm, diff, difflen);
}

int sim_kept_truth(SimMonth *sm, char *diff, size_t difflen)
{
	for (size_t s = 0; s < sm->ns; s++)
		memset(&sm->cells[s], 0, sizeof sm->cells[s]);
	for (size_t t = 0; t < n_truth; t++) {
		const Truth *tr = &truth[t];
		if (tr->month != sm->month || sm->series_of[tr->ind] < 0)
			continue;
		struct kv_cell *c = &sm->cells[sm->series_of[tr->ind]];
		c->numerator = tr->has_n ? (uint64_t)tr->n : 0;
		c->denominator = tr->has_d ? (uint64_t)tr->d : 0;
		c->value_sum = tr->has_vsum ? tr->vsum : 0;
	}
	return run_and_compare(sm, diff, difflen);
}
