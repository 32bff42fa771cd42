build2/src/http/api_resumption.o: src/http/api_resumption.c \
 src/core/datetime.h src/core/err.h src/domain/auth.h src/core/arena.h \
 src/core/crypt.h src/domain/demo.h src/store/store.h src/domain/scope.h \
 src/domain/resumption.h src/http/api.h src/http/http.h src/core/config.h \
 src/http/jbody.h src/json/jresumption.h
src/core/datetime.h:
src/core/err.h:
src/domain/auth.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/demo.h:
src/store/store.h:
src/domain/scope.h:
src/domain/resumption.h:
src/http/api.h:
src/http/http.h:
src/core/config.h:
src/http/jbody.h:
src/json/jresumption.h:
