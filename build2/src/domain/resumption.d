build2/src/domain/resumption.o: src/domain/resumption.c \
 src/domain/resumption.h src/core/arena.h src/core/datetime.h \
 src/core/err.h src/domain/demo.h src/core/crypt.h src/store/store.h \
 src/domain/scope.h src/core/text.h src/domain/auth.h
src/domain/resumption.h:
src/core/arena.h:
src/core/datetime.h:
src/core/err.h:
src/domain/demo.h:
src/core/crypt.h:
src/store/store.h:
src/domain/scope.h:
src/core/text.h:
src/domain/auth.h:
