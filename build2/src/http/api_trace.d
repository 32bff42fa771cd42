build2/src/http/api_trace.o: src/http/api_trace.c src/core/datetime.h \
 src/core/err.h src/domain/auth.h src/core/arena.h src/core/crypt.h \
 src/domain/demo.h src/store/store.h src/domain/scope.h \
 src/domain/person.h src/domain/org.h src/domain/sheet.h \
 src/domain/trace.h src/domain/trace_index.h src/domain/trace_export.h \
 src/http/api.h src/http/http.h src/core/config.h src/http/jbody.h \
 src/json/jtrace.h
src/core/datetime.h:
src/core/err.h:
src/domain/auth.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/demo.h:
src/store/store.h:
src/domain/scope.h:
src/domain/person.h:
src/domain/org.h:
src/domain/sheet.h:
src/domain/trace.h:
src/domain/trace_index.h:
src/domain/trace_export.h:
src/http/api.h:
src/http/http.h:
src/core/config.h:
src/http/jbody.h:
src/json/jtrace.h:
