/*
 * export_run.c - a range of months from the record system into the outbox
 */
#include "export_run.h"

#include <errno.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "disclosure.h"
#include "engine.h"
#include "extract.h"
#include "log.h"
#include "relations.h"
#include "results.h"
#include "util.h"

int kv_extract_info_from_setup(const struct kv_setup *s, struct kv_extract_info *info, char *err,
			       size_t errlen)
{
	memset(info, 0, sizeof *info);
	info->participant = kv_core_settings(s->cfg)->office.id;
	if (kv_core_settings(s->cfg)->office.export_name)
		info->office_name = kv_core_settings(s->cfg)->office.name;
	info->catalogue_version = kv_value_sets_catalogue(s->value_sets);
	info->value_set_version = kv_value_sets_version(s->value_sets);
	info->created = time(NULL);
	return kv_disclosure_params_load(s->cfg, &info->params, err, errlen);
}

int kv_export_months(struct kv_setup *s, struct kv_outbox *ob, kv_month from, kv_month to,
		     bool progress, FILE *report, struct kv_export_summary *sum, char *err,
		     size_t errlen)
{
	int ret = -1;
	struct kv_result res = {0};
	struct kv_relations rel = {0};
	struct kv_published *cells = NULL;
	char why[1024];

	memset(sum, 0, sizeof *sum);
	if (kv_engine_run(s, from, to, progress, &res) != 0) {
		kv_snprintf(err, errlen, "%s; nothing was exported", res.failure);
		goto done;
	}
	if (kv_relations_build(res.series, res.n_series, &rel, err, errlen) != 0)
		goto done;
	kv_strlcpy(sum->plugin_failures, res.plugin_failures, sizeof sum->plugin_failures);
	if (res.plugin_failures[0] != '\0')
		kv_log(KV_LOG_ERROR,
		       "indicator plugins failed: %s; their indicators are marked failed in the "
		       "extracts, the others go on",
		       res.plugin_failures);

	struct kv_extract_info info;
	if (kv_extract_info_from_setup(s, &info, err, errlen) != 0)
		goto done;
	const char *approval = kv_core_settings(s->cfg)->push.approval;
	enum kv_outbox_state state = approval && strcmp(approval, "manual") == 0 ?
					     KV_OUTBOX_PENDING : KV_OUTBOX_READY;
	cells = kv_xcalloc(res.n_series ? res.n_series : 1, sizeof *cells);
	sum->months = res.n_months;
	for (size_t m = 0; m < res.n_months; m++) {
		struct kv_extract x;
		if (kv_disclosure_month(&res, &rel, &info.params, m, cells, why, sizeof why) != 0 ||
		    kv_extract_build(&res, cells, m, &info, &x, why, sizeof why) != 0) {
			kv_log(KV_LOG_ERROR, "%s", why);
			sum->failed++;
			continue;
		}
		int added = kv_outbox_add(ob, x.id, state, x.manifest, x.manifest_len, x.csv,
					  x.csv_len, why, sizeof why);
		if (added < 0) {
			kv_log(KV_LOG_ERROR, "%s: %s", x.month, why);
			sum->failed++;
			if (ob->last_errno == ENOSPC || ob->last_errno == EDQUOT ||
			    ob->last_errno == EROFS) {
				/* every later month would fail the same way: say it once */
				size_t left = res.n_months - m - 1;
				kv_log(KV_LOG_ERROR,
				       "stopped: no space left on the outbox's file system (or it is read-only); "
				       "%zu later month%s not exported (nothing is half-written; "
				       "export them again when there is room)",
				       left, left == 1 ? "" : "s");
				sum->failed += left;
				kv_extract_free(&x);
				break;
			}
		} else if (added == 1) {
			struct kv_outbox_item it;
			if (report != NULL && kv_outbox_find(ob, x.id, &it, why, sizeof why) == 1)
				fprintf(report, "%s  %s  unchanged (already in the outbox: %s%s)\n",
					x.month, x.id, kv_outbox_state_name(it.state),
					it.state == KV_OUTBOX_REFUSED
						? "; 'kvalind retry ID' sends it again once the cause "
						  "is fixed"
						: "");
			sum->unchanged++;
		} else {
			if (report != NULL)
				fprintf(report, "%s  %s  added (%s, %zu rows)\n", x.month, x.id,
					kv_outbox_state_name(state), x.rows);
			sum->added++;
		}
		kv_extract_free(&x);
	}
	ret = 0;
done:
	free(cells);
	kv_relations_free(&rel);
	kv_result_free(&res);
	return ret;
}
