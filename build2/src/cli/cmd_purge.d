build2/src/cli/cmd_purge.o: src/cli/cmd_purge.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/core/datetime.h src/domain/audit.h src/core/arena.h \
 src/domain/scope.h src/json/jpurge.h src/domain/purge.h \
 src/domain/retention.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/core/datetime.h:
src/domain/audit.h:
src/core/arena.h:
src/domain/scope.h:
src/json/jpurge.h:
src/domain/purge.h:
src/domain/retention.h:
