build2/src/domain/org_region.o: src/domain/org_region.c src/domain/org.h \
 src/core/arena.h src/core/err.h src/domain/scope.h src/store/store.h \
 src/core/datetime.h
src/domain/org.h:
src/core/arena.h:
src/core/err.h:
src/domain/scope.h:
src/store/store.h:
src/core/datetime.h:
