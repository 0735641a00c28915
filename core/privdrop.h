/*
 * privdrop.h - kvalind never runs as root
 *
 * Started as root, the daemon switches to [core] user before it loads any
 * plugin or opens the record system: supplementary groups (initgroups or
 * setgroups to the user's groups), then the group, then the user, and then
 * verifies that it cannot get root back (setuid(0) must fail, and real,
 * effective and saved ids are the user's). Started as root without
 * [core] user it refuses. Started as another user it stays that user (and
 * [core] user, if set, must be that user).
 *
 * Errors: -1 with err naming the user and what failed.
 */
#ifndef KVALIND_PRIVDROP_H
#define KVALIND_PRIVDROP_H

#include <stddef.h>

/* user may be NULL (not configured). 0 when the process now runs as an
 * unprivileged user; -1 with err otherwise. */
int kv_drop_privileges(const char *user, char *err, size_t errlen);

#endif /* KVALIND_PRIVDROP_H */
