build2/src/domain/trace_index.o: src/domain/trace_index.c \
 src/domain/trace_index.h src/core/err.h src/store/store.h
src/domain/trace_index.h:
src/core/err.h:
src/store/store.h:
