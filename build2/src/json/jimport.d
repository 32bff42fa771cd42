build2/src/json/jimport.o: src/json/jimport.c src/json/jimport.h \
 src/domain/scan_import.h src/core/crypt.h src/core/err.h \
 src/domain/scan.h src/core/arena.h src/core/config.h src/core/ident.h \
 src/domain/scope.h src/store/store.h src/domain/screening.h \
 src/domain/stay.h
src/json/jimport.h:
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
