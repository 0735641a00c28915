/*
 * ledger.h - the append-only record of every payload that left the office
 *
 * The ledger is a text file (STATE_DIR/ledger), one entry per line, fields
 * separated by a tab:
 *
 *   seq  time  destination  extract_id  bytes  sha256  data_sha256  prev  hash
 *
 *   seq          1, 2, 3, ... in file order
 *   time         UTC, "YYYY-MM-DDTHH:MM:SSZ"
 *   destination  where the payload went ("https://hub.example/extracts",
 *                "directory:/srv/pickup"); never contains a tab or newline
 *   extract_id   the extract's id in the outbox
 *   bytes        size of the payload (manifest.json plus data.csv)
 *   sha256       SHA-256 of the payload's manifest.json, which in turn holds
 *                the SHA-256 of data.csv, so it pins both
 *   data_sha256  SHA-256 of the payload's data.csv (what the hub's receipt
 *                names beside the manifest's). Entries written before
 *                kvalind recorded it have no such field: 8 fields, not 9;
 *                both kinds are read, and may follow each other
 *   prev         the previous entry's hash (64 zeros for the first entry)
 *   hash         SHA-256 of the line's other fields joined by tabs
 *                (seq .. prev, exactly as written)
 *
 * The hub's signed receipts for HTTPS sends are kept beside the ledger, in
 * STATE_DIR/receipts/ (receipt.h); `kvalind ledger verify` checks them too.
 *
 * An edited, removed, reordered or inserted entry breaks the chain and
 * kv_ledger_verify names the first line where it breaks. The file is opened
 * with O_APPEND, each entry is one write() followed by fsync(); an entry
 * torn by a crash (no final newline) is cut off before the next append and a
 * warning is logged, since it was never completed. The ledger holds no
 * identifier of any patient, practitioner or person.
 *
 * Errors: functions return 0, or -1 with a message naming the file (and the
 * line) in err.
 */
#ifndef KVALIND_LEDGER_H
#define KVALIND_LEDGER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sha256.h"
#include "util.h"

struct kv_ledger_entry {
	uint64_t seq;
	char time[32];
	char destination[1024];
	char extract_id[256];
	uint64_t bytes;
	char sha256[KV_SHA256_HEX_SIZE];
	char prev[KV_SHA256_HEX_SIZE];
	char hash[KV_SHA256_HEX_SIZE];
	char data_sha256[KV_SHA256_HEX_SIZE]; /* "" in an entry without it (8 fields) */
};

/* Append one entry (creating the file, mode 0600, when it does not exist).
 * data_sha256_hex (the data.csv's SHA-256) may be NULL: an entry of the 8
 * fields written before it was recorded. */
KV_MUST_CHECK int kv_ledger_append_sent(const char *path, const char *destination,
					const char *extract_id, uint64_t bytes,
					const char *sha256_hex, const char *data_sha256_hex,
					char *err, size_t errlen);
/* The same without the data's SHA-256 (an 8-field entry). */
KV_MUST_CHECK int kv_ledger_append(const char *path, const char *destination,
				   const char *extract_id, uint64_t bytes, const char *sha256_hex,
				   char *err, size_t errlen);

/*
 * Whether an entry could be appended now, checked before anything is sent:
 * the file opens for appending (it is created, empty, when missing), is a
 * regular file, its last entry parses, and room for one more entry is
 * reserved on its file system (fallocate, keeping the size; where the file
 * system cannot reserve, that part is skipped). So a full disk, a read-only
 * file or a broken last line stop a push before an extract leaves rather
 * than after. 0, or -1 with err naming the file and the reason.
 */
KV_MUST_CHECK int kv_ledger_check_appendable(const char *path, char *err, size_t errlen);

/* Call fn for each entry in order (stops when fn returns non-zero, and
 * returns that). A file that does not exist is an empty ledger. A line that
 * cannot be parsed is an error naming it. */
int kv_ledger_each(const char *path, int (*fn)(const struct kv_ledger_entry *e, void *arg),
		   void *arg, char *err, size_t errlen);

/*
 * Check the chain. Returns 0 when every entry's hash is right and links to the
 * one before (report gets "ledger PATH: N entries, chain intact"), 1 when it
 * is broken (report gets each broken line and why: "line 7: hash does not
 * match its fields (edited?)", "line 8: prev does not match line 7's hash
 * (removed or reordered?)", "line 9: seq 12 follows 10"), -1 when the file
 * cannot be read (err).
 */
int kv_ledger_verify(const char *path, FILE *report, char *err, size_t errlen);

#endif /* KVALIND_LEDGER_H */
