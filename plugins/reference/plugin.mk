# The reference connector links libpq (binary COPY) and unixODBC (bound
# column arrays); see plugins/reference/ref.h. Read by the top Makefile.
reference_LIBS := libpq odbc
