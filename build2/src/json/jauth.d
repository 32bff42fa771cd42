build2/src/json/jauth.o: src/json/jauth.c src/json/jauth.h \
 src/domain/auth.h src/core/arena.h src/core/crypt.h src/core/err.h \
 src/domain/demo.h src/store/store.h src/domain/scope.h src/json/jorg.h \
 src/domain/group.h src/core/datetime.h src/domain/org.h \
 src/domain/person.h
src/json/jauth.h:
src/domain/auth.h:
src/core/arena.h:
src/core/crypt.h:
src/core/err.h:
src/domain/demo.h:
src/store/store.h:
src/domain/scope.h:
src/json/jorg.h:
src/domain/group.h:
src/core/datetime.h:
src/domain/org.h:
src/domain/person.h:
