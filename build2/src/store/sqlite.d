build2/src/store/sqlite.o: src/store/sqlite.c src/store/driver.h \
 src/store/store.h src/core/err.h
src/store/driver.h:
src/store/store.h:
src/core/err.h:
