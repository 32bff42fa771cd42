build2/src/http/authn.o: src/http/authn.c src/core/datetime.h \
 src/core/err.h src/domain/audit.h src/core/arena.h src/core/crypt.h \
 src/domain/scope.h src/store/store.h src/domain/auth.h src/domain/demo.h \
 src/http/req.h src/core/buf.h src/core/config.h src/http/http.h
src/core/datetime.h:
src/core/err.h:
src/domain/audit.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/scope.h:
src/store/store.h:
src/domain/auth.h:
src/domain/demo.h:
src/http/req.h:
src/core/buf.h:
src/core/config.h:
src/http/http.h:
