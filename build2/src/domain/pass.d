build2/src/domain/pass.o: src/domain/pass.c src/domain/pass.h \
 src/core/arena.h src/core/buf.h src/core/err.h src/core/crypt.h \
 src/core/datetime.h src/domain/scope.h src/store/store.h \
 src/core/ident.h src/core/qr.h src/core/text.h src/domain/org.h
src/domain/pass.h:
src/core/arena.h:
src/core/buf.h:
src/core/err.h:
src/core/crypt.h:
src/core/datetime.h:
src/domain/scope.h:
src/store/store.h:
src/core/ident.h:
src/core/qr.h:
src/core/text.h:
src/domain/org.h:
