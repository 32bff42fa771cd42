build2/src/domain/writer.o: src/domain/writer.c src/domain/writer.h \
 src/core/err.h src/domain/alert.h src/core/arena.h src/core/ident.h \
 src/domain/scope.h src/store/store.h src/domain/scan.h src/core/config.h \
 src/core/crypt.h src/domain/screening.h src/domain/stay.h \
 src/core/datetime.h src/core/log.h src/domain/disinfection.h
src/domain/writer.h:
src/core/err.h:
src/domain/alert.h:
src/core/arena.h:
src/core/ident.h:
src/domain/scope.h:
src/store/store.h:
src/domain/scan.h:
src/core/config.h:
src/core/crypt.h:
src/domain/screening.h:
src/domain/stay.h:
src/core/datetime.h:
src/core/log.h:
src/domain/disinfection.h:
