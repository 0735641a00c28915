# The reference connector links libpq (binary COPY) and unixODBC (bound
# column arrays); see plugins/reference/ref.h. Read by the top Makefile.
reference_LIBS := libpq odbc
# A worker thread reads some tables on a second connection (ref_range.c).
reference_LDLIBS := -pthread
