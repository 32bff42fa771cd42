build2/src/cli/cmd_user.o: src/cli/cmd_user.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/core/datetime.h src/domain/audit.h src/core/arena.h \
 src/domain/scope.h src/domain/auth.h src/domain/demo.h \
 src/domain/group.h src/domain/org.h src/json/jauth.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/core/datetime.h:
src/domain/audit.h:
src/core/arena.h:
src/domain/scope.h:
src/domain/auth.h:
src/domain/demo.h:
src/domain/group.h:
src/domain/org.h:
src/json/jauth.h:
