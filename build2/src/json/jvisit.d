build2/src/json/jvisit.o: src/json/jvisit.c src/json/jvisit.h \
 src/core/arena.h src/core/err.h src/domain/inspection.h \
 src/core/datetime.h src/domain/scope.h src/store/store.h \
 src/domain/visit.h src/core/crypt.h src/domain/demo.h src/core/text.h \
 src/json/jorg.h src/domain/group.h src/domain/org.h src/domain/person.h
src/json/jvisit.h:
src/core/arena.h:
src/core/err.h:
src/domain/inspection.h:
src/core/datetime.h:
src/domain/scope.h:
src/store/store.h:
src/domain/visit.h:
src/core/crypt.h:
src/domain/demo.h:
src/core/text.h:
src/json/jorg.h:
src/domain/group.h:
src/domain/org.h:
src/domain/person.h:
