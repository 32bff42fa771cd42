build2/src/http/api_sys.o: src/http/api_sys.c src/domain/writer.h \
 src/core/err.h src/domain/alert.h src/core/arena.h src/core/ident.h \
 src/domain/scope.h src/store/store.h src/domain/scan.h src/core/config.h \
 src/core/crypt.h src/domain/screening.h src/domain/stay.h src/http/api.h \
 src/core/datetime.h src/http/http.h src/http/jbody.h src/http/assets.h \
 src/http/metrics.h src/core/buf.h src/http/req.h
src/domain/writer.h:
src/core/err.h:
src/domain/alert.h:
src/core/arena.h:
src/core/ident.h:
src/domain/scope.h:
src/store/store.h:
src/domain/scan.h:
src/core/config.h:
src/core/crypt.h:
src/domain/screening.h:
src/domain/stay.h:
src/http/api.h:
src/core/datetime.h:
src/http/http.h:
src/http/jbody.h:
src/http/assets.h:
src/http/metrics.h:
src/core/buf.h:
src/http/req.h:
