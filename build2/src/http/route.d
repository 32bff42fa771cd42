build2/src/http/route.o: src/http/route.c src/http/api.h \
 src/core/datetime.h src/core/err.h src/http/http.h src/core/arena.h \
 src/core/config.h src/core/crypt.h src/domain/scope.h src/store/store.h \
 src/http/jbody.h src/http/req.h src/core/buf.h
src/http/api.h:
src/core/datetime.h:
src/core/err.h:
src/http/http.h:
src/core/arena.h:
src/core/config.h:
src/core/crypt.h:
src/domain/scope.h:
src/store/store.h:
src/http/jbody.h:
src/http/req.h:
src/core/buf.h:
