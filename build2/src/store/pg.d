build2/src/store/pg.o: src/store/pg.c /usr/include/postgresql/libpq-fe.h \
 /usr/include/postgresql/postgres_ext.h \
 /usr/include/postgresql/pg_config_ext.h src/core/log.h src/core/err.h \
 src/store/driver.h src/store/store.h
/usr/include/postgresql/libpq-fe.h:
/usr/include/postgresql/postgres_ext.h:
/usr/include/postgresql/pg_config_ext.h:
src/core/log.h:
src/core/err.h:
src/store/driver.h:
src/store/store.h:
