build2/src/domain/inspection.o: src/domain/inspection.c \
 src/domain/inspection.h src/core/arena.h src/core/datetime.h \
 src/core/err.h src/domain/scope.h src/store/store.h src/core/text.h \
 src/domain/auth.h src/core/crypt.h src/domain/demo.h src/domain/org.h \
 src/domain/visit.h
src/domain/inspection.h:
src/core/arena.h:
src/core/datetime.h:
src/core/err.h:
src/domain/scope.h:
src/store/store.h:
src/core/text.h:
src/domain/auth.h:
src/core/crypt.h:
src/domain/demo.h:
src/domain/org.h:
src/domain/visit.h:
