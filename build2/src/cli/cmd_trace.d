build2/src/cli/cmd_trace.o: src/cli/cmd_trace.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/core/arena.h src/core/datetime.h src/domain/person.h \
 src/domain/org.h src/domain/scope.h src/domain/sheet.h \
 src/domain/trace.h src/domain/trace_index.h src/domain/trace_export.h \
 src/json/jtrace.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/core/arena.h:
src/core/datetime.h:
src/domain/person.h:
src/domain/org.h:
src/domain/scope.h:
src/domain/sheet.h:
src/domain/trace.h:
src/domain/trace_index.h:
src/domain/trace_export.h:
src/json/jtrace.h:
