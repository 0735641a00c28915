# The omop connector links libpq (binary COPY) and unixODBC (bound column
# arrays), like the reference connector; see plugins/omop/om.h and db.h.
# Read by the top Makefile.
omop_LIBS := libpq odbc
omop_LDLIBS := -lm
