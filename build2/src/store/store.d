build2/src/store/store.o: src/store/store.c src/store/store.h \
 src/core/err.h src/core/log.h src/store/driver.h
src/store/store.h:
src/core/err.h:
src/core/log.h:
src/store/driver.h:
