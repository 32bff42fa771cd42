build2/src/domain/purge.o: src/domain/purge.c src/domain/purge.h \
 src/core/err.h src/domain/retention.h src/core/config.h \
 src/core/datetime.h src/store/store.h
src/domain/purge.h:
src/core/err.h:
src/domain/retention.h:
src/core/config.h:
src/core/datetime.h:
src/store/store.h:
