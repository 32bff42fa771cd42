build2/src/cli/cmd_codes.o: src/cli/cmd_codes.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/core/buf.h src/core/datetime.h src/core/qr.h src/domain/pass.h \
 src/core/arena.h src/domain/scope.h src/domain/placecode.h \
 src/json/jcodes.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/core/buf.h:
src/core/datetime.h:
src/core/qr.h:
src/domain/pass.h:
src/core/arena.h:
src/domain/scope.h:
src/domain/placecode.h:
src/json/jcodes.h:
