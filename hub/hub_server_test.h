/*
 * hub_server_test.h - the hub's request path without TLS, for the request
 * fuzz target (tests/fuzz/fuzz_hub_request.c). Only in a build of
 * hub_server.c with -DKV_HUB_TEST_HOOKS: kvalind-hub itself never has it.
 *
 * The same libmicrohttpd callbacks as `serve` (admission, the request
 * handler, the multipart parser, the validator, the store) on a daemon
 * without a listening socket, run by the caller (MHD_run, one thread, no
 * watchdog, report pages made at once); the client certificate step
 * answers with hub_test_peer.
 */
#ifndef KVALIND_HUB_SERVER_TEST_H
#define KVALIND_HUB_SERVER_TEST_H

#include "hub.h"

struct hub_test_peer {
	bool present;                  /* false: as without a client certificate */
	char cn[KV_EXTRACT_ID_MAX + 16];
	char serial[80];
	bool lead_ou;
};
extern struct hub_test_peer hub_test_peer;

struct hub_test_server;
/* NULL when MHD cannot start. pool is passed to hub_db_pool_acquire. */
struct hub_test_server *hub_test_server_start(const struct hub_config *cfg,
					      const struct hub_catalogue *cat,
					      struct hub_db_pool *pool);
/* A connection on fd (taken over), as if from the IPv4 address ipv4. */
int hub_test_server_add(struct hub_test_server *t, int fd, const char *ipv4);
/* One round of MHD_run: whatever is ready is read, handled, written. */
void hub_test_server_run(struct hub_test_server *t);
/* Connections the hub still has open. */
unsigned hub_test_server_open(struct hub_test_server *t);
void hub_test_server_stop(struct hub_test_server *t);

#endif /* KVALIND_HUB_SERVER_TEST_H */
