# The omop connector links libpq (binary COPY) and unixODBC (bound column
# arrays), like the reference connector; see plugins/omop/om.h and
# plugins/common/kvdb.h. The shared memory budget takes a mutex: -pthread.
# Read by the top Makefile.
omop_LIBS := libpq odbc
omop_LDLIBS := -lm -pthread
