build2/src/cli/cmd_serve.o: src/cli/cmd_serve.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/core/datetime.h src/core/log.h src/http/server.h src/http/req.h \
 src/core/buf.h src/http/http.h src/core/arena.h src/domain/scope.h \
 src/json/jpurge.h src/domain/purge.h src/domain/retention.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/core/datetime.h:
src/core/log.h:
src/http/server.h:
src/http/req.h:
src/core/buf.h:
src/http/http.h:
src/core/arena.h:
src/domain/scope.h:
src/json/jpurge.h:
src/domain/purge.h:
src/domain/retention.h:
