/*
 * push_private.h - what push.c shares with its two transports
 * (push_https.c, push_dir.c); not for other callers, who use push.h
 *
 * Ownership: the target owns every string in it; kv_push_close frees them
 * (the passphrase is wiped first).
 */
#ifndef KVALIND_PUSH_PRIVATE_H
#define KVALIND_PUSH_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "push.h"
#include "receipt.h"

#define KV_PUSH_PATH_MAX 4096
/* Longest extract id the push layer accepts (it becomes a file name). */
#define KV_PUSH_ID_MAX 200

enum kv_push_kind { KV_PUSH_HTTPS, KV_PUSH_DIRECTORY };

struct kv_push_target {
	enum kv_push_kind kind;
	char *destination;     /* kv_push_destination: URL or "directory:PATH" */
	/* https */
	char *url;             /* normalised, https only, no user or password */
	char *ca_file;         /* NULL: the system's CAs */
	char *client_cert;     /* NULL: no client certificate */
	char *client_key;
	char *key_passphrase;  /* NULL: the key has none */
	long connect_timeout;  /* seconds */
	long timeout;          /* seconds, whole request */
	bool curl_initialised; /* this target holds a curl_global_init */
	volatile sig_atomic_t *cancel; /* kv_push_set_cancel; NULL: never */
	struct kv_receipt_trust *receipt_trust; /* ca_file, opened at the first receipt */
	char *receipt;         /* the last send's receipt (kv_push_receipt), NULL: none */
	size_t receipt_len;
	bool client_cn_read;   /* client_cn was looked up */
	char client_cn[128];   /* client_cert's CN when it is a participant id, else "" */
	/* directory */
	char *drop_dir;
};

/* curl_global_init, counted; 0 or -1 with err. Each success is paired with
 * one kv_push_https_global_cleanup. */
int kv_push_https_global_init(char *err, size_t errlen);
void kv_push_https_global_cleanup(void);

/* Each fills r (outcome, receiver_wide, http_status, detail, status). */
void kv_push_https_send(struct kv_push_target *t, const char *extract_id,
			const struct kv_push_payload *p, struct kv_push_result *r);
void kv_push_dir_send(struct kv_push_target *t, const char *extract_id,
		      const struct kv_push_payload *p, struct kv_push_result *r);

#endif /* KVALIND_PUSH_PRIVATE_H */
