build2/src/domain/placecode.o: src/domain/placecode.c \
 src/domain/placecode.h src/core/arena.h src/core/buf.h src/core/err.h \
 src/core/crypt.h src/domain/scope.h src/store/store.h src/core/qr.h
src/domain/placecode.h:
src/core/arena.h:
src/core/buf.h:
src/core/err.h:
src/core/crypt.h:
src/domain/scope.h:
src/store/store.h:
src/core/qr.h:
