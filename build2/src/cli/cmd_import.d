build2/src/cli/cmd_import.o: src/cli/cmd_import.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/core/datetime.h src/domain/checkins.h src/domain/scan_import.h \
 src/domain/scan.h src/core/arena.h src/core/ident.h src/domain/scope.h \
 src/domain/screening.h src/domain/stay.h src/json/jimport.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/core/datetime.h:
src/domain/checkins.h:
src/domain/scan_import.h:
src/domain/scan.h:
src/core/arena.h:
src/core/ident.h:
src/domain/scope.h:
src/domain/screening.h:
src/domain/stay.h:
src/json/jimport.h:
