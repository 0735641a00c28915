/* Test plugin t_no_descriptor: a shared object without any descriptor. */
__attribute__((visibility("default"))) int t_no_descriptor_function(void);
int t_no_descriptor_function(void)
{
	return 42;
}
