/*
 * privdrop.h - kvalind never runs as root
 *
 * Started as root, the daemon switches to [core] user before it loads any
 * plugin or opens the record system: supplementary groups (initgroups or
 * setgroups to the user's groups), then the group, then the user, and then
 * verifies that it cannot get root back (setuid(0) and setgid(0) must
 * fail, real, effective and saved ids are the user's, group 0 is not among
 * the supplementary groups). Started as root without [core] user it
 * refuses, and a user that does not exist, is uid 0 or has primary group 0
 * is refused. Started as another user it stays that user ([core] user, if
 * set, must be that user; a real or saved uid 0 is refused).
 *
 * Errors: -1 with err naming the user and what failed.
 */
#ifndef KVALIND_PRIVDROP_H
#define KVALIND_PRIVDROP_H

#include <stddef.h>

/* user may be NULL or "" (not configured). 0 when the process now runs as an
 * unprivileged user; -1 with err otherwise. */
int kv_drop_privileges(const char *user, char *err, size_t errlen);

#endif /* KVALIND_PRIVDROP_H */
