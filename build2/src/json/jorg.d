build2/src/json/jorg.o: src/json/jorg.c src/json/jorg.h \
 src/domain/group.h src/core/arena.h src/core/datetime.h src/core/err.h \
 src/domain/org.h src/domain/scope.h src/store/store.h \
 src/domain/person.h src/core/crypt.h
src/json/jorg.h:
src/domain/group.h:
src/core/arena.h:
src/core/datetime.h:
src/core/err.h:
src/domain/org.h:
src/domain/scope.h:
src/store/store.h:
src/domain/person.h:
src/core/crypt.h:
