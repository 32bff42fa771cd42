build2/src/cli/cmd_admin.o: src/cli/cmd_admin.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/domain/auth.h src/core/arena.h src/domain/demo.h src/domain/scope.h \
 src/store/migrate.h src/store/schema_files.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/domain/auth.h:
src/core/arena.h:
src/domain/demo.h:
src/domain/scope.h:
src/store/migrate.h:
src/store/schema_files.h:
