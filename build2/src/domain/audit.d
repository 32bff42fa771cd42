build2/src/domain/audit.o: src/domain/audit.c src/domain/audit.h \
 src/core/arena.h src/core/crypt.h src/core/err.h src/domain/scope.h \
 src/store/store.h src/core/datetime.h src/core/text.h src/domain/auth.h \
 src/domain/demo.h src/domain/person.h src/domain/org.h
src/domain/audit.h:
src/core/arena.h:
src/core/crypt.h:
src/core/err.h:
src/domain/scope.h:
src/store/store.h:
src/core/datetime.h:
src/core/text.h:
src/domain/auth.h:
src/domain/demo.h:
src/domain/person.h:
src/domain/org.h:
