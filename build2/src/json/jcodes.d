build2/src/json/jcodes.o: src/json/jcodes.c src/json/jcodes.h \
 src/core/datetime.h src/core/err.h src/domain/pass.h src/core/arena.h \
 src/core/buf.h src/core/crypt.h src/domain/scope.h src/store/store.h \
 src/domain/placecode.h src/json/jorg.h src/domain/group.h \
 src/domain/org.h src/domain/person.h
src/json/jcodes.h:
src/core/datetime.h:
src/core/err.h:
src/domain/pass.h:
src/core/arena.h:
src/core/buf.h:
src/core/crypt.h:
src/domain/scope.h:
src/store/store.h:
src/domain/placecode.h:
src/json/jorg.h:
src/domain/group.h:
src/domain/org.h:
src/domain/person.h:
