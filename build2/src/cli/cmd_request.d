build2/src/cli/cmd_request.o: src/cli/cmd_request.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/core/datetime.h src/domain/auth.h src/core/arena.h src/domain/demo.h \
 src/domain/scope.h src/domain/calendar.h src/domain/org.h \
 src/domain/request.h src/json/jrequest.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/core/datetime.h:
src/domain/auth.h:
src/core/arena.h:
src/domain/demo.h:
src/domain/scope.h:
src/domain/calendar.h:
src/domain/org.h:
src/domain/request.h:
src/json/jrequest.h:
