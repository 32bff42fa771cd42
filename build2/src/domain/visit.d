build2/src/domain/visit.o: src/domain/visit.c src/domain/visit.h \
 src/core/arena.h src/core/crypt.h src/core/err.h src/core/datetime.h \
 src/domain/demo.h src/store/store.h src/domain/scope.h src/core/text.h \
 src/domain/auth.h src/domain/inspection.h src/domain/org.h \
 src/domain/request.h
src/domain/visit.h:
src/core/arena.h:
src/core/crypt.h:
src/core/err.h:
src/core/datetime.h:
src/domain/demo.h:
src/store/store.h:
src/domain/scope.h:
src/core/text.h:
src/domain/auth.h:
src/domain/inspection.h:
src/domain/org.h:
src/domain/request.h:
