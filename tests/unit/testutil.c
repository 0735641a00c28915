/*
 * testutil.c - helpers for the Check tests
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *tu_build_dir(void)
{
	const char *b = getenv("KV_BUILD_DIR");
	return b && *b ? b : "build";
}

const char *tu_source_dir(void)
{
	const char *b = getenv("KV_SOURCE_DIR");
	return b && *b ? b : ".";
}

const char *tu_value_sets(void)
{
	static char path[4096];
	char *real = realpath(tu_source_dir(), NULL);
	ck_assert_ptr_nonnull(real);
	snprintf(path, sizeof path, "%s/conf/valuesets.txt", real);
	free(real);
	return path;
}

char *tu_mkdtemp(void)
{
	char tmpl[] = "/tmp/kvtest.XXXXXX";
	char *dir = mkdtemp(tmpl);
	ck_assert_msg(dir != NULL, "mkdtemp: %s", strerror(errno));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	return strdup(dir);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tu_rmtree(const char *dir)
{
	if (dir != NULL)
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void tu_write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	size_t len = strlen(text);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

const char *tu_path(const char *dir, const char *name)
{
	static char slots[8][4096];
	static int next;
	char *p = slots[next++ % 8];
	snprintf(p, 4096, "%s/%s", dir, name);
	return p;
}

char *tu_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "fopen %s: %s", path, strerror(errno));
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}

void tu_install_test_plugin(const char *dir, const char *name)
{
	char src[4096], dst[4096];
	snprintf(src, sizeof src, "%s/tests/plugins/%s.so", tu_build_dir(), name);
	snprintf(dst, sizeof dst, "%s/%s.so", dir, name);
	FILE *in = fopen(src, "rb");
	ck_assert_msg(in != NULL, "test plugin %s missing: %s (run make)", src, strerror(errno));
	int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_msg(fd >= 0, "open %s: %s", dst, strerror(errno));
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		ck_assert_int_eq(write(fd, buf, n), (ssize_t)n);
	fclose(in);
	ck_assert_int_eq(fchmod(fd, 0644), 0);
	close(fd);
}

int tu_run_kvalind(char **out, char **err, const char *arg, ...)
{
	const char *argv[32];
	int argc = 0;
	char bin[4096];
	snprintf(bin, sizeof bin, "%s/kvalind", tu_build_dir());
	argv[argc++] = bin;
	va_list ap;
	va_start(ap, arg);
	for (const char *a = arg; a != NULL && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return tu_run_argv(argv, out, err);
}

int tu_run_argv(const char *const *argv, char **out, char **err)
{
	char outp[] = "/tmp/kvtest-out.XXXXXX", errp[] = "/tmp/kvtest-err.XXXXXX";
	int ofd = mkstemp(outp), efd = mkstemp(errp);
	ck_assert(ofd >= 0 && efd >= 0);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		dup2(ofd, 1);
		dup2(efd, 2);
		unsetenv("KVALIND_CONFIG");
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	close(ofd);
	close(efd);
	*out = tu_read_file(outp);
	*err = tu_read_file(errp);
	unlink(outp);
	unlink(errp);
	ck_assert_msg(WIFEXITED(status), "%s died: %s", argv[0], *err);
	return WEXITSTATUS(status);
}
