build2/src/http/reply.o: src/http/reply.c src/core/text.h src/core/err.h \
 src/http/req.h src/core/buf.h src/core/config.h src/http/http.h \
 src/core/arena.h src/core/crypt.h src/domain/scope.h src/store/store.h
src/core/text.h:
src/core/err.h:
src/http/req.h:
src/core/buf.h:
src/core/config.h:
src/http/http.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/scope.h:
src/store/store.h:
