build2/src/json/jresumption.o: src/json/jresumption.c \
 src/json/jresumption.h src/core/arena.h src/core/err.h \
 src/domain/resumption.h src/core/datetime.h src/domain/demo.h \
 src/core/crypt.h src/store/store.h src/domain/scope.h src/json/jorg.h \
 src/domain/group.h src/domain/org.h src/domain/person.h
src/json/jresumption.h:
src/core/arena.h:
src/core/err.h:
src/domain/resumption.h:
src/core/datetime.h:
src/domain/demo.h:
src/core/crypt.h:
src/store/store.h:
src/domain/scope.h:
src/json/jorg.h:
src/domain/group.h:
src/domain/org.h:
src/domain/person.h:
