build2/src/domain/scancode.o: src/domain/scancode.c src/domain/scancode.h \
 src/core/crypt.h src/core/err.h src/domain/scan.h src/core/arena.h \
 src/core/config.h src/core/ident.h src/domain/scope.h src/store/store.h \
 src/domain/screening.h src/domain/stay.h src/domain/pass.h \
 src/core/buf.h src/core/datetime.h src/domain/placecode.h
src/domain/scancode.h:
src/core/crypt.h:
src/core/err.h:
src/domain/scan.h:
src/core/arena.h:
src/core/config.h:
src/core/ident.h:
src/domain/scope.h:
src/store/store.h:
src/domain/screening.h:
src/domain/stay.h:
src/domain/pass.h:
src/core/buf.h:
src/core/datetime.h:
src/domain/placecode.h:
