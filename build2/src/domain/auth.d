build2/src/domain/auth.o: src/domain/auth.c src/domain/auth.h \
 src/core/arena.h src/core/crypt.h src/core/err.h src/domain/demo.h \
 src/store/store.h src/domain/scope.h src/core/datetime.h src/core/text.h \
 src/domain/audit.h src/domain/org.h
src/domain/auth.h:
src/core/arena.h:
src/core/crypt.h:
src/core/err.h:
src/domain/demo.h:
src/store/store.h:
src/domain/scope.h:
src/core/datetime.h:
src/core/text.h:
src/domain/audit.h:
src/domain/org.h:
