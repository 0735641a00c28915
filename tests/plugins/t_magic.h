/* t_magic.h - the origin tests/plugins/t_good_connector.c delivers beside
 * its patient, and tests/plugins/t_sees_patient.c looks for. */
#ifndef KV_TESTS_PLUGINS_T_MAGIC_H
#define KV_TESTS_PLUGINS_T_MAGIC_H
#define KV_T_MAGIC_LOCAL_REF 0x6c6f63616c726566ull   /* "localref" */
#define KV_T_MAGIC_LIST_HOLDER 0x6c697374686f6c64ull /* "listhold" */
#endif
