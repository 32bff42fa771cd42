build2/src/domain/scan_import.o: src/domain/scan_import.c \
 src/domain/scan_import.h src/core/crypt.h src/core/err.h \
 src/domain/scan.h src/core/arena.h src/core/config.h src/core/ident.h \
 src/domain/scope.h src/store/store.h src/domain/screening.h \
 src/domain/stay.h src/core/datetime.h src/domain/alert.h \
 src/domain/person.h src/domain/org.h src/domain/scan_int.h
src/domain/scan_import.h:
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
src/core/datetime.h:
src/domain/alert.h:
src/domain/person.h:
src/domain/org.h:
src/domain/scan_int.h:
