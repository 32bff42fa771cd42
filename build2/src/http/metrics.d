build2/src/http/metrics.o: src/http/metrics.c src/http/metrics.h \
 src/core/buf.h src/core/err.h src/http/req.h src/core/config.h \
 src/http/http.h src/core/arena.h src/core/crypt.h src/domain/scope.h \
 src/store/store.h
src/http/metrics.h:
src/core/buf.h:
src/core/err.h:
src/http/req.h:
src/core/config.h:
src/http/http.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/scope.h:
src/store/store.h:
