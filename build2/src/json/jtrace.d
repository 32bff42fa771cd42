build2/src/json/jtrace.o: src/json/jtrace.c src/json/jtrace.h \
 src/domain/trace.h src/core/err.h src/domain/trace_index.h \
 src/store/store.h src/core/datetime.h
src/json/jtrace.h:
src/domain/trace.h:
src/core/err.h:
src/domain/trace_index.h:
src/store/store.h:
src/core/datetime.h:
