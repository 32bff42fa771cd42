build2/src/store/migrate.o: src/store/migrate.c src/store/migrate.h \
 src/store/schema_files.h src/store/store.h src/core/err.h
src/store/migrate.h:
src/store/schema_files.h:
src/store/store.h:
src/core/err.h:
