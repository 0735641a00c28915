/*
 * cell_key.h - cell-key perturbation ([disclosure] perturbation = cell_key):
 * the office's secret key, and the small noise it gives a count
 *
 * The noise of a count is a function of the key, the cell (a population:
 * cells that count the same population share one name, so they get the same
 * noise) and the true count, nothing else: the same cell with the same count
 * always gets the same noise, in every month and every re-export, so
 * repeating or re-exporting a month tells nothing new, and two releases can
 * never be averaged. The noise lies in [-max, max] with a triangular
 * distribution (weights max + 1 - |n|).
 *
 * The key is 32 random bytes in [core] state_dir/cell-key (mode 0600),
 * made on first use. It never leaves the office. Losing it changes the
 * noise, and re-exported months would then differ from what was sent: keep
 * it with the backups of the state directory. A missing key is not made
 * again while the outbox holds extracts made with one (their manifests say
 * perturbation "cell_key"): the error says to restore it.
 *
 * Errors: kv_cell_key_load returns -1 with err naming the file and why.
 */
#ifndef KVALIND_CELL_KEY_H
#define KVALIND_CELL_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define KV_CELL_KEY_SIZE 32
#define KV_CELL_KEY_FILE "cell-key"

/* Read state_dir/cell-key, making it first when it does not exist. */
KV_MUST_CHECK int kv_cell_key_load(const char *state_dir, unsigned char key[KV_CELL_KEY_SIZE],
				   char *err, size_t errlen);

/* The noise of `count` in cell `cell` ("DM_PREVALENCE.numerator"), in
 * draw `draw`: draw 0 is the noise; a month whose publication the audit
 * could pin is drawn again (disclosure.c), draws 1, 2, ... being further
 * independent noises of the same kind. */
int64_t kv_cell_key_noise(const unsigned char key[KV_CELL_KEY_SIZE], const char *cell,
			  uint64_t count, uint32_t max, unsigned draw);

#endif /* KVALIND_CELL_KEY_H */
