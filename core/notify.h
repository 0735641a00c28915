/*
 * notify.h - telling systemd how the daemon is doing (Type=notify)
 *
 * The sd_notify protocol is one datagram of "KEY=VALUE\n" lines sent to the
 * AF_UNIX socket named by $NOTIFY_SOCKET (a path, or an abstract name when
 * it starts with '@'). No libsystemd: this is the whole protocol.
 *
 * Errors: kv_notify returns 0 when sent or when $NOTIFY_SOCKET is not set
 * (not under systemd), -1 when sending failed (errno set); callers log that
 * and go on.
 */
#ifndef KVALIND_NOTIFY_H
#define KVALIND_NOTIFY_H

/* Send state, e.g. "READY=1\nSTATUS=waiting for 2023-05". */
int kv_notify(const char *state);

/* Send "STATUS=..." formatted: one line (control characters become
 * spaces, so a value cannot add another assignment), at most 1024 bytes. */
int kv_notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* KVALIND_NOTIFY_H */
