build2/src/http/api_cursor.o: src/http/api_cursor.c src/http/api.h \
 src/core/datetime.h src/core/err.h src/http/http.h src/core/arena.h \
 src/core/config.h src/core/crypt.h src/domain/scope.h src/store/store.h \
 src/http/jbody.h
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
