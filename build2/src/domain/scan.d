build2/src/domain/scan.o: src/domain/scan.c src/domain/scan.h \
 src/core/arena.h src/core/config.h src/core/err.h src/core/crypt.h \
 src/core/ident.h src/domain/scope.h src/store/store.h \
 src/domain/screening.h src/domain/stay.h src/core/datetime.h \
 src/core/text.h src/domain/alert.h src/domain/outsider.h \
 src/domain/scan_int.h
src/domain/scan.h:
src/core/arena.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/core/ident.h:
src/domain/scope.h:
src/store/store.h:
src/domain/screening.h:
src/domain/stay.h:
src/core/datetime.h:
src/core/text.h:
src/domain/alert.h:
src/domain/outsider.h:
src/domain/scan_int.h:
