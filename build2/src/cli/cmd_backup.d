build2/src/cli/cmd_backup.o: src/cli/cmd_backup.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/store/layout.h src/store/migrate.h src/store/schema_files.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/store/layout.h:
src/store/migrate.h:
src/store/schema_files.h:
