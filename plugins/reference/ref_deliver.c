/*
 * ref_deliver.c - delivery: one struct kv_patient per good patient of a
 * range, handed to the sink
 *
 * After the range's stages are grouped and compacted (ref_range.c) each
 * patient's events are slices of the stages' arrays: nothing is copied.
 * Patients are delivered in patient_id order; a bad patient row is not
 * delivered, nor are its events.
 */
#include "ref.h"

#include <inttypes.h>

int ref_deliver(struct ref_range_state *rs)
{
	struct ref_reader *r = rs->r;
	const struct kvdb_stage *st = rs->st;
	for (size_t s = 0; s < rs->pats.n; s++) {
		const struct kvdb_pat *p = &rs->pats.p[s];
		if (p->bad)
			continue;
		struct kv_patient kp = {.birth = p->birth, .death = p->death, .sex = p->sex};
		kp.periods = kvdb_stage_events(&st[REF_TAB_LIST_PERIOD], s, &kp.n_periods);
		kp.contacts = kvdb_stage_events(&st[REF_TAB_CONTACT], s, &kp.n_contacts);
		kp.fees = kvdb_stage_events(&st[REF_TAB_FEE], s, &kp.n_fees);
		kp.diagnoses = kvdb_stage_events(&st[REF_TAB_DIAGNOSIS], s, &kp.n_diagnoses);
		kp.medications = kvdb_stage_events(&st[REF_TAB_MEDICATION], s, &kp.n_medications);
		kp.prescriptions =
			kvdb_stage_events(&st[REF_TAB_PRESCRIPTION], s, &kp.n_prescriptions);
		kp.labs = kvdb_stage_events(&st[REF_TAB_LAB], s, &kp.n_labs);
		kp.bps = kvdb_stage_events(&st[REF_TAB_BP], s, &kp.n_bps);
		kp.forms = kvdb_stage_events(&st[REF_TAB_FORM], s, &kp.n_forms);
		kp.notes = kvdb_stage_events(&st[REF_TAB_NOTE], s, &kp.n_notes);
		if (r->sink(r->sink_arg, &kp) != 0)
			return kvdb_error(r->rc,
					  "the read was stopped by the patient sink after %" PRIu64
					  " patients",
					  r->delivered);
		r->delivered++;
	}
	return 0;
}
