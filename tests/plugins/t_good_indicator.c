/* A well-formed indicator plugin for the loader tests: keys, T_ALL and
 * T_MEAN (t_indicator_base.h), and one that needs labs. */
#define T_NAME "t_good_indicator"
/* needs lab results, which the test connector does not provide */
#define T_MORE_DEFS \
	{"T_LABS", 1, KV_INDICATOR_PROPORTION, KV_PROVIDES_LABS, "needs labs", "trenger lab", "patients with labs", "patients", KV_NEITHER_IS_BETTER},
#include "t_indicator_base.h"
