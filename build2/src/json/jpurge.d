build2/src/json/jpurge.o: src/json/jpurge.c src/json/jpurge.h \
 src/domain/purge.h src/core/err.h src/domain/retention.h \
 src/core/config.h src/core/datetime.h src/store/store.h \
 src/domain/audit.h src/core/arena.h src/core/crypt.h src/domain/scope.h
src/json/jpurge.h:
src/domain/purge.h:
src/core/err.h:
src/domain/retention.h:
src/core/config.h:
src/core/datetime.h:
src/store/store.h:
src/domain/audit.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/scope.h:
