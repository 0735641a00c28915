/* Test plugin t_bad_numerator: puts patients in a numerator outside its denominator. */
#define T_NAME "t_bad_numerator"
/* IDs of its own, so it can be enabled beside t_good_indicator */
#define T_ID_PREFIX "T_BAD_"
/* the bug: a listed patient is in T_BAD_ALL's numerator only */
#define T_ALL_FLAGS(listed) ((listed) ? KV_IN_NUMERATOR : KV_IN_DENOMINATOR)
#include "t_indicator_base.h"
