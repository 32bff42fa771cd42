build2/src/cli/main.o: src/cli/main.c src/cli/cli.h src/core/config.h \
 src/core/err.h src/core/crypt.h src/store/store.h src/core/datetime.h \
 src/core/log.h src/core/text.h src/domain/calendar.h src/core/arena.h \
 src/domain/scope.h src/domain/retention.h src/store/migrate.h \
 src/store/schema_files.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/core/datetime.h:
src/core/log.h:
src/core/text.h:
src/domain/calendar.h:
src/core/arena.h:
src/domain/scope.h:
src/domain/retention.h:
src/store/migrate.h:
src/store/schema_files.h:
