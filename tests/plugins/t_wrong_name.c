/* Test plugin t_wrong_name: calls itself by another name than its file. */
#define T_NAME "t_other_name" /* the bug */
#include "t_indicator_base.h"
