build2/src/json/jrequest.o: src/json/jrequest.c src/json/jrequest.h \
 src/domain/calendar.h src/core/arena.h src/core/datetime.h \
 src/core/err.h src/domain/scope.h src/store/store.h src/domain/request.h \
 src/domain/demo.h src/core/crypt.h src/json/jorg.h src/domain/group.h \
 src/domain/org.h src/domain/person.h
src/json/jrequest.h:
src/domain/calendar.h:
src/core/arena.h:
src/core/datetime.h:
src/core/err.h:
src/domain/scope.h:
src/store/store.h:
src/domain/request.h:
src/domain/demo.h:
src/core/crypt.h:
src/json/jorg.h:
src/domain/group.h:
src/domain/org.h:
src/domain/person.h:
