build2/src/domain/calendar.o: src/domain/calendar.c src/domain/calendar.h \
 src/core/arena.h src/core/datetime.h src/core/err.h src/domain/scope.h \
 src/store/store.h src/core/text.h src/domain/auth.h src/core/crypt.h \
 src/domain/demo.h src/domain/request.h
src/domain/calendar.h:
src/core/arena.h:
src/core/datetime.h:
src/core/err.h:
src/domain/scope.h:
src/store/store.h:
src/core/text.h:
src/domain/auth.h:
src/core/crypt.h:
src/domain/demo.h:
src/domain/request.h:
