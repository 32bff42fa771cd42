build2/src/http/api_people.o: src/http/api_people.c src/core/datetime.h \
 src/core/err.h src/domain/auth.h src/core/arena.h src/core/crypt.h \
 src/domain/demo.h src/store/store.h src/domain/scope.h \
 src/domain/group.h src/domain/org.h src/domain/person.h \
 src/http/api_org.h src/http/api.h src/http/http.h src/core/config.h \
 src/http/jbody.h src/json/jorg.h
src/core/datetime.h:
src/core/err.h:
src/domain/auth.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/demo.h:
src/store/store.h:
src/domain/scope.h:
src/domain/group.h:
src/domain/org.h:
src/domain/person.h:
src/http/api_org.h:
src/http/api.h:
src/http/http.h:
src/core/config.h:
src/http/jbody.h:
src/json/jorg.h:
