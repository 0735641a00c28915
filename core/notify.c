/*
 * notify.c - the sd_notify protocol without libsystemd
 *
 * One AF_UNIX datagram per call to the socket named by $NOTIFY_SOCKET: a
 * filesystem path ("/run/systemd/notify") or, with a leading '@', a name in
 * the abstract namespace (sun_path[0] = '\0', no terminating NUL counted in
 * the address length). The socket is opened and closed per call (the
 * daemon notifies a few times a month, and a descriptor kept open would
 * leak into every child). MSG_NOSIGNAL: a vanished receiver is an error
 * return, never SIGPIPE.
 *
 * Errors: -1 with errno (EINVAL for a $NOTIFY_SOCKET that is neither a path
 * nor '@name' or does not fit sun_path, EMSGSIZE for a short send).
 * Nothing is printed; the caller logs.
 */
#define _DEFAULT_SOURCE
#include "notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Longest STATUS= text sent (systemd shows one line; the rest is noise). */
#define KV_NOTIFY_STATUS_MAX 1024

/* Fill addr from $NOTIFY_SOCKET's value; its length into *len. 0 or -1. */
static int notify_address(const char *name, struct sockaddr_un *addr, socklen_t *len)
{
	size_t n = strlen(name);
	memset(addr, 0, sizeof *addr);
	addr->sun_family = AF_UNIX;
	if (n < 2 || (name[0] != '/' && name[0] != '@') || n > sizeof addr->sun_path ||
	    (name[0] == '/' && n == sizeof addr->sun_path)) {
		/* too short, not a path or abstract name (e.g. vsock:), or too long
		 * (a path needs room for its NUL; an abstract name does not) */
		errno = EINVAL;
		return -1;
	}
	memcpy(addr->sun_path, name, n);
	if (name[0] == '@')
		addr->sun_path[0] = '\0';
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (name[0] == '/'));
	return 0;
}

int kv_notify(const char *state)
{
	const char *name = getenv("NOTIFY_SOCKET");
	if (name == NULL || *name == '\0')
		return 0; /* not started by systemd (or not Type=notify) */
	if (state == NULL || *state == '\0') {
		errno = EINVAL;
		return -1;
	}

	int ret = -1, fd = -1, saved = 0;
	struct sockaddr_un addr;
	socklen_t len = 0;
	if (notify_address(name, &addr, &len) != 0) {
		saved = errno;
		goto done;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		saved = errno;
		goto done;
	}
	size_t n = strlen(state);
	ssize_t sent = sendto(fd, state, n, MSG_NOSIGNAL, (const struct sockaddr *)&addr, len);
	if (sent < 0) {
		saved = errno;
		goto done;
	}
	if ((size_t)sent != n) {
		saved = EMSGSIZE;
		goto done;
	}
	ret = 0;
done:
	if (fd >= 0)
		close(fd);
	if (ret != 0)
		errno = saved;
	return ret;
}

int kv_notify_status(const char *fmt, ...)
{
	char buf[sizeof "STATUS=" + KV_NOTIFY_STATUS_MAX];
	const size_t prefix = sizeof "STATUS=" - 1;
	memcpy(buf, "STATUS=", prefix);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + prefix, sizeof buf - prefix, fmt, ap);
	va_end(ap);
	if (n < 0) {
		errno = EINVAL;
		return -1;
	}
	/* A newline would start another assignment ("...\nREADY=1"): the status
	 * is one line, whatever the formatted values contain. Truncation of an
	 * over-long status is accepted. */
	for (char *p = buf + prefix; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return kv_notify(buf);
}
