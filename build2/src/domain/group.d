build2/src/domain/group.o: src/domain/group.c src/domain/group.h \
 src/core/arena.h src/core/datetime.h src/core/err.h src/domain/org.h \
 src/domain/scope.h src/store/store.h
src/domain/group.h:
src/core/arena.h:
src/core/datetime.h:
src/core/err.h:
src/domain/org.h:
src/domain/scope.h:
src/store/store.h:
