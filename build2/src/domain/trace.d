build2/src/domain/trace.o: src/domain/trace.c src/domain/trace.h \
 src/core/err.h src/domain/trace_index.h src/store/store.h
src/domain/trace.h:
src/core/err.h:
src/domain/trace_index.h:
src/store/store.h:
