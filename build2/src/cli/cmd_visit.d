build2/src/cli/cmd_visit.o: src/cli/cmd_visit.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/core/datetime.h src/domain/inspection.h src/core/arena.h \
 src/domain/scope.h src/domain/org.h src/domain/visit.h src/domain/demo.h \
 src/json/jvisit.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/core/datetime.h:
src/domain/inspection.h:
src/core/arena.h:
src/domain/scope.h:
src/domain/org.h:
src/domain/visit.h:
src/domain/demo.h:
src/json/jvisit.h:
