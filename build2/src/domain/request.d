build2/src/domain/request.o: src/domain/request.c src/domain/request.h \
 src/core/arena.h src/core/datetime.h src/core/err.h src/domain/demo.h \
 src/core/crypt.h src/store/store.h src/domain/scope.h src/core/text.h \
 src/domain/audit.h src/domain/auth.h src/domain/calendar.h \
 src/domain/org.h src/domain/person.h src/domain/request_int.h
src/domain/request.h:
src/core/arena.h:
src/core/datetime.h:
src/core/err.h:
src/domain/demo.h:
src/core/crypt.h:
src/store/store.h:
src/domain/scope.h:
src/core/text.h:
src/domain/audit.h:
src/domain/auth.h:
src/domain/calendar.h:
src/domain/org.h:
src/domain/person.h:
src/domain/request_int.h:
