/*
 * hub_cmd_init_ca.c - kvalind-hub init-ca: a new hub CA and the hub's server
 * certificate, signed by it
 */
#include "hub_cmd.h"

#include <stdio.h>

static const char init_ca_help[] =
    "Usage: kvalind-hub init-ca DIR [--server-name NAME ...] [--days N]\n"
    "\n"
    "Make a new hub CA in DIR: ca.pem and ca.key (0600), and the hub's server\n"
    "certificate signed by it, server.pem and server.key (0600), valid for each\n"
    "--server-name (a DNS name or IPv4 address; the first is also its CN;\n"
    "default: localhost and 127.0.0.1). Never overwrites a file. Point [tls]\n"
    "ca_cert, ca_key, cert and key of the hub's configuration at them; offices\n"
    "get ca.pem as their [push] ca_file from 'register'. Keep ca.key offline\n"
    "or at least readable by the administrator only.\n"
    "\n"
    "  --days N   validity of both certificates (default 3650)\n"
    "\n" HUB_EXIT_CODES_HELP;

int hub_cmd_init_ca(int argc, char **argv)
{
	static const struct option opts[] = {{"server-name", required_argument, NULL, 'n'},
					     {"days", required_argument, NULL, 'd'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *names[32];
	size_t n_names = 0;
	long long days = 3650;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(init_ca_help, stdout);
			return HUB_EXIT_OK;
		case 'n':
			if (n_names == KV_ARRAY_SIZE(names))
				return hub_usage_error("init-ca", "too many --server-name");
			names[n_names++] = optarg;
			break;
		case 'd':
			if (!kv_parse_int64(optarg, &days) || days < 1 || days > 36500)
				return hub_usage_error("init-ca", "--days: expected 1..36500");
			break;
		default:
			return hub_usage_error("init-ca", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return hub_usage_error("init-ca", "init-ca takes one operand, the directory");
	if (n_names == 0) {
		names[n_names++] = "localhost";
		names[n_names++] = "127.0.0.1";
	}
	char err[1024];
	if (hub_ca_init(argv[optind], names, n_names, (int)days, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		return HUB_EXIT_FAILURE;
	}
	printf("init-ca: %s/ca.pem, ca.key, server.pem, server.key\n", argv[optind]);
	return HUB_EXIT_OK;
}
