build2/src/domain/scan_list.o: src/domain/scan_list.c src/domain/scan.h \
 src/core/arena.h src/core/config.h src/core/err.h src/core/crypt.h \
 src/core/ident.h src/domain/scope.h src/store/store.h \
 src/domain/screening.h src/domain/stay.h src/core/datetime.h \
 src/domain/org.h
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
src/domain/org.h:
