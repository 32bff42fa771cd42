build2/src/http/server.o: src/http/server.c src/http/server.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/http/req.h \
 src/core/buf.h src/http/http.h src/core/arena.h src/domain/scope.h \
 src/store/store.h src/core/log.h src/domain/writer.h src/domain/alert.h \
 src/core/ident.h src/domain/scan.h src/domain/screening.h \
 src/domain/stay.h src/http/metrics.h
src/http/server.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/http/req.h:
src/core/buf.h:
src/http/http.h:
src/core/arena.h:
src/domain/scope.h:
src/store/store.h:
src/core/log.h:
src/domain/writer.h:
src/domain/alert.h:
src/core/ident.h:
src/domain/scan.h:
src/domain/screening.h:
src/domain/stay.h:
src/http/metrics.h:
