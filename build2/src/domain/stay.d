build2/src/domain/stay.o: src/domain/stay.c src/domain/stay.h \
 src/core/arena.h src/core/err.h src/domain/scope.h src/store/store.h \
 src/core/datetime.h src/core/ident.h src/domain/scan.h src/core/config.h \
 src/core/crypt.h src/domain/screening.h
src/domain/stay.h:
src/core/arena.h:
src/core/err.h:
src/domain/scope.h:
src/store/store.h:
src/core/datetime.h:
src/core/ident.h:
src/domain/scan.h:
src/core/config.h:
src/core/crypt.h:
src/domain/screening.h:
