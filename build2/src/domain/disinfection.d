build2/src/domain/disinfection.o: src/domain/disinfection.c \
 src/domain/disinfection.h src/core/arena.h src/core/err.h \
 src/domain/alert.h src/core/ident.h src/domain/scope.h src/store/store.h \
 src/core/datetime.h src/core/text.h src/domain/scan.h src/core/config.h \
 src/core/crypt.h src/domain/screening.h src/domain/stay.h
src/domain/disinfection.h:
src/core/arena.h:
src/core/err.h:
src/domain/alert.h:
src/core/ident.h:
src/domain/scope.h:
src/store/store.h:
src/core/datetime.h:
src/core/text.h:
src/domain/scan.h:
src/core/config.h:
src/core/crypt.h:
src/domain/screening.h:
src/domain/stay.h:
