build2/src/http/api_request.o: src/http/api_request.c src/domain/auth.h \
 src/core/arena.h src/core/crypt.h src/core/err.h src/domain/demo.h \
 src/store/store.h src/domain/scope.h src/domain/calendar.h \
 src/core/datetime.h src/domain/request.h src/http/api.h src/http/http.h \
 src/core/config.h src/http/jbody.h src/json/jorg.h src/domain/group.h \
 src/domain/org.h src/domain/person.h src/json/jrequest.h
src/domain/auth.h:
src/core/arena.h:
src/core/crypt.h:
src/core/err.h:
src/domain/demo.h:
src/store/store.h:
src/domain/scope.h:
src/domain/calendar.h:
src/core/datetime.h:
src/domain/request.h:
src/http/api.h:
src/http/http.h:
src/core/config.h:
src/http/jbody.h:
src/json/jorg.h:
src/domain/group.h:
src/domain/org.h:
src/domain/person.h:
src/json/jrequest.h:
