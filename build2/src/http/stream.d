build2/src/http/stream.o: src/http/stream.c src/core/log.h src/core/err.h \
 src/http/req.h src/core/buf.h src/core/config.h src/http/http.h \
 src/core/arena.h src/core/crypt.h src/domain/scope.h src/store/store.h
src/core/log.h:
src/core/err.h:
src/http/req.h:
src/core/buf.h:
src/core/config.h:
src/http/http.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/scope.h:
src/store/store.h:
