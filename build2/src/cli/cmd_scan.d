build2/src/cli/cmd_scan.o: src/cli/cmd_scan.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/core/datetime.h src/domain/scan.h src/core/arena.h src/core/ident.h \
 src/domain/scope.h src/domain/screening.h src/domain/stay.h \
 src/json/jscan.h src/domain/alert.h src/domain/disinfection.h \
 src/domain/outsider.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/core/datetime.h:
src/domain/scan.h:
src/core/arena.h:
src/core/ident.h:
src/domain/scope.h:
src/domain/screening.h:
src/domain/stay.h:
src/json/jscan.h:
src/domain/alert.h:
src/domain/disinfection.h:
src/domain/outsider.h:
