/*
 * cmd_inspect.c - `kvalind inspect`: what the connector sees in the record
 * system, as counts only
 *
 * Reads every patient once through the configured connector and prints how
 * many canonical events of each kind it delivered, the rows it read per table
 * and the bad rows per table and reason. It also checks the connector's side
 * of the contract (every event array sorted by date, indexes in range), so a
 * new connector can be verified before any indicator trusts it. Nothing
 * patient-level is printed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "setup.h"
#include "util.h"

static const char inspect_help[] =
    "Usage: kvalind inspect [--config FILE]\n"
    "\n"
    "Read the record system once through the configured connector and print\n"
    "counts: patients and canonical events of each kind, rows read per table\n"
    "and bad rows per table and reason. Checks that the connector delivers\n"
    "events in date order. Prints no patient-level data.\n"
    "\n"
    "  -c, --config FILE   the configuration\n"
    "\n" KV_EXIT_CODES_HELP;

/* The keyword rule inspect asks for: SKIL's medication review words. */
static const char *const inspect_patterns[] = {"legemiddelgjennomgang|lmg"};

struct tally {
	uint64_t patients, periods, contacts, fees, diagnoses, medications, prescriptions, labs,
	    bps, forms, notes;
	char problem[256];
};

#define SORTED(arr, n, field)                                                  \
	do {                                                                   \
		for (size_t i_ = 1; i_ < (n); i_++)                            \
			if ((arr)[i_].field < (arr)[i_ - 1].field) {           \
				kv_snprintf(t->problem, sizeof t->problem,     \
					    "%s not in date order", #arr);     \
				return -1;                                     \
			}                                                      \
	} while (0)

static int count_patient(void *arg, const struct kv_patient *p,
			 const struct kv_patient_origin *origin)
{
	struct tally *t = arg;
	(void)origin;
	if (p->struct_size < KV_PATIENT_V2_0_SIZE) {
		kv_snprintf(t->problem, sizeof t->problem,
			    "a patient of %u bytes, smaller than ABI %d.0's %zu",
			    (unsigned)p->struct_size, KV_ABI_MAJOR, (size_t)KV_PATIENT_V2_0_SIZE);
		return -1;
	}
	SORTED(p->periods, p->n_periods, from);
	SORTED(p->contacts, p->n_contacts, date);
	SORTED(p->fees, p->n_fees, date);
	SORTED(p->diagnoses, p->n_diagnoses, date);
	SORTED(p->medications, p->n_medications, start);
	SORTED(p->prescriptions, p->n_prescriptions, date);
	SORTED(p->labs, p->n_labs, date);
	SORTED(p->bps, p->n_bps, date);
	SORTED(p->forms, p->n_forms, date);
	SORTED(p->notes, p->n_notes, date);
	for (size_t i = 0; i < p->n_fees; i++)
		if (p->fees[i].contact < 0 || (size_t)p->fees[i].contact >= p->n_contacts) {
			kv_snprintf(t->problem, sizeof t->problem, "a fee's contact index is out of range");
			return -1;
		}
	for (size_t i = 0; i < p->n_diagnoses; i++)
		if (p->diagnoses[i].contact >= (int32_t)p->n_contacts) {
			kv_snprintf(t->problem, sizeof t->problem,
				    "a diagnosis's contact index is out of range");
			return -1;
		}
	for (size_t i = 0; i < p->n_notes; i++)
		if (p->notes[i].pattern >= KV_ARRAY_SIZE(inspect_patterns)) {
			kv_snprintf(t->problem, sizeof t->problem, "a note's pattern index is out of range");
			return -1;
		}
	t->patients++;
	t->periods += p->n_periods;
	t->contacts += p->n_contacts;
	t->fees += p->n_fees;
	t->diagnoses += p->n_diagnoses;
	t->medications += p->n_medications;
	t->prescriptions += p->n_prescriptions;
	t->labs += p->n_labs;
	t->bps += p->n_bps;
	t->forms += p->n_forms;
	t->notes += p->n_notes;
	return 0;
}

static void print_tally(const struct tally *t, const struct kv_ctx *ctx)
{
	printf("canonical events:\n");
	printf("  %-22s %12" PRIu64 "\n", "patients", t->patients);
	printf("  %-22s %12" PRIu64 "\n", "list_periods", t->periods);
	printf("  %-22s %12" PRIu64 "\n", "contacts", t->contacts);
	printf("  %-22s %12" PRIu64 "\n", "fees", t->fees);
	printf("  %-22s %12" PRIu64 "\n", "diagnoses", t->diagnoses);
	printf("  %-22s %12" PRIu64 "\n", "medications", t->medications);
	printf("  %-22s %12" PRIu64 "\n", "prescriptions", t->prescriptions);
	printf("  %-22s %12" PRIu64 "\n", "lab_results", t->labs);
	printf("  %-22s %12" PRIu64 "\n", "blood_pressures", t->bps);
	printf("  %-22s %12" PRIu64 "\n", "forms", t->forms);
	printf("  %-22s %12" PRIu64 "\n", "note_matches", t->notes);
	printf("rows read:\n");
	for (size_t i = 0; i < ctx->n_counts; i++)
		if (ctx->counts[i].reason == NULL)
			printf("  %-22s %12" PRIu64 "\n", ctx->counts[i].table, ctx->counts[i].n);
	printf("bad rows:\n");
	size_t bad = 0;
	for (size_t i = 0; i < ctx->n_counts; i++)
		if (ctx->counts[i].reason != NULL) {
			printf("  %-22s %12" PRIu64 "  %s\n", ctx->counts[i].table,
			       ctx->counts[i].n, ctx->counts[i].reason);
			bad++;
		}
	if (bad == 0)
		printf("  (none)\n");
}

int kv_cmd_inspect(int argc, char **argv)
{
	const char *config = NULL;
	int rc0 = kv_cli_common_options(argc, argv, "inspect", inspect_help, &config, NULL, NULL);
	if (rc0 >= 0)
		return rc0;

	const char *path = kv_cli_config_path(config);
	struct kv_diags d = {0};
	struct kv_setup s;
	struct kv_call call = {0};
	bool opened = false;
	int rc = kv_setup_load(path, &s, &d);
	if (d.n > 0) {
		kv_diags_print(&d, stderr);
		if (rc == KV_EXIT_OK)
			rc = KV_EXIT_CONFIG;
		goto done;
	}
	const struct kv_connector_plugin *c = s.connector.plugin->connector;
	struct kv_ctx *ctx = s.connector.ctx;

	kv_ctx_enter(ctx, "open");
	call = kv_call_of(ctx, NULL);
	struct kv_open_result res = {.struct_size = sizeof res};
	if (c->open(&call, &res) != KV_OK) {
		fprintf(stderr, "kvalind: error: connector \"%s\": %s\n", s.connector.plugin->name,
			kv_ctx_error(ctx));
		rc = KV_EXIT_FAILURE;
		goto done;
	}
	call.state = res.state;
	opened = true;
	struct kv_read_request req = {
		.struct_size = sizeof req,
		.to = KV_DATE_OPEN - 1,
		.note_patterns = inspect_patterns,
		.n_note_patterns = KV_ARRAY_SIZE(inspect_patterns),
		.memory_budget = kv_setup_memory_budget(&s),
	};
	struct tally t = {0};
	kv_ctx_enter(ctx, "read");
	if (c->read(&call, &req, count_patient, &t) != KV_OK) {
		if (t.problem[0] != '\0')
			fprintf(stderr, "kvalind: error: connector \"%s\" broke its contract: %s\n",
				s.connector.plugin->name, t.problem);
		else
			fprintf(stderr, "kvalind: error: connector \"%s\": %s\n",
				s.connector.plugin->name, kv_ctx_error(ctx));
		rc = KV_EXIT_FAILURE;
		goto done;
	}
	uint32_t provides = res.provides;
	print_tally(&t, ctx);
	printf("provides: 0x%04" PRIx32 "\n", provides);
	rc = KV_EXIT_OK;
done:
	if (opened) {
		kv_ctx_enter(s.connector.ctx, "close");
		s.connector.plugin->connector->close(&call);
	}
	kv_diags_free(&d);
	kv_setup_free(&s);
	return rc;
}
