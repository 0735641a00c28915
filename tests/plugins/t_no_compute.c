/* Test plugin t_no_compute: misses the required compute() callback. */
#define T_NAME "t_no_compute"
#define T_COMPUTE NULL /* the bug */
#include "t_indicator_base.h"
