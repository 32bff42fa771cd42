build2/src/domain/outsider.o: src/domain/outsider.c src/domain/outsider.h \
 src/core/arena.h src/core/crypt.h src/core/err.h src/domain/scope.h \
 src/store/store.h src/core/datetime.h src/core/ident.h src/core/text.h \
 src/domain/org.h src/domain/person.h
src/domain/outsider.h:
src/core/arena.h:
src/core/crypt.h:
src/core/err.h:
src/domain/scope.h:
src/store/store.h:
src/core/datetime.h:
src/core/ident.h:
src/core/text.h:
src/domain/org.h:
src/domain/person.h:
