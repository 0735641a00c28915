/* Test plugin t_bad_keys: a key table whose default does not fit its type. */
#define T_NAME "t_bad_keys"
#define T_THRESHOLD_DEFAULT "many" /* the bug: the key is KV_CONFIG_INT */
#include "t_indicator_base.h"
