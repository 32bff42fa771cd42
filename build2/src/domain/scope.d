build2/src/domain/scope.o: src/domain/scope.c src/domain/scope.h \
 src/store/store.h src/core/err.h
src/domain/scope.h:
src/store/store.h:
src/core/err.h:
