build2/src/cli/cmd_org.o: src/cli/cmd_org.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/domain/org.h src/core/arena.h src/domain/scope.h src/domain/person.h \
 src/json/jorg.h src/domain/group.h src/core/datetime.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/domain/org.h:
src/core/arena.h:
src/domain/scope.h:
src/domain/person.h:
src/json/jorg.h:
src/domain/group.h:
src/core/datetime.h:
