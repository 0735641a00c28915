/*
 * kvdb_twin.c - reading on two connections: a job on a worker thread
 *
 * When the transport offers a twin (a second connection in the same
 * snapshot: libpq), a connector can read some tables on it in a worker
 * thread while it reads others: the server scans two tables at once on two
 * cores, and the two streams are parsed on two client cores. The job must
 * write only what the calling thread does not touch until the join (its
 * own stages, counters in copies) and look shared things up read-only.
 *
 * While the job runs, the read's memory budget is shared under a lock, and
 * the job's errors are kept (kvdb_tl_capture: only the thread that called
 * read() may call host->set_error); kvdb_worker_join() reports the first
 * one. When the calling thread fails first, kvdb_worker_join(.., false)
 * asks the job to stop after its current statement and keeps the caller's
 * error.
 */
#include "kvdb.h"

#include <string.h>

static void *worker_main(void *arg)
{
	struct kvdb_worker *w = arg;
	kvdb_tl_capture = &w->err;
	w->ret = w->job(w->arg);
	kvdb_tl_capture = NULL;
	return NULL;
}

bool kvdb_worker_start(struct kvdb_worker *w, struct kvdb_mem *mem, int (*job)(void *arg),
		       void *arg)
{
	memset(w, 0, sizeof(*w));
	w->job = job;
	w->arg = arg;
	w->mem = mem;
	atomic_init(&w->stop, false);
	if (pthread_mutex_init(&w->lock, NULL) != 0)
		return false;
	mem->lock = &w->lock;
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		mem->lock = NULL;
		pthread_mutex_destroy(&w->lock);
		return false;
	}
	w->running = true;
	return true;
}

bool kvdb_worker_stopping(const struct kvdb_worker *w)
{
	return atomic_load(&w->stop);
}

int kvdb_worker_join(struct kvdb_ctx *rc, struct kvdb_worker *w, bool report)
{
	if (!w->running)
		return 0;
	if (!report)
		atomic_store(&w->stop, true);
	pthread_join(w->thread, NULL);
	w->mem->lock = NULL;
	pthread_mutex_destroy(&w->lock);
	w->running = false;
	if (w->ret == 0 || !report)
		return w->ret == 0 ? 0 : -1;
	return kvdb_error(rc, "%s", w->err.set ? w->err.msg : "reading a table failed");
}
