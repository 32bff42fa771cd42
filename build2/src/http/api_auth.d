build2/src/http/api_auth.o: src/http/api_auth.c src/core/datetime.h \
 src/core/err.h src/domain/audit.h src/core/arena.h src/core/crypt.h \
 src/domain/scope.h src/store/store.h src/domain/auth.h src/domain/demo.h \
 src/http/api.h src/http/http.h src/core/config.h src/http/jbody.h \
 src/http/req.h src/core/buf.h src/json/jauth.h src/json/jorg.h \
 src/domain/group.h src/domain/org.h src/domain/person.h
src/core/datetime.h:
src/core/err.h:
src/domain/audit.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/scope.h:
src/store/store.h:
src/domain/auth.h:
src/domain/demo.h:
src/http/api.h:
src/http/http.h:
src/core/config.h:
src/http/jbody.h:
src/http/req.h:
src/core/buf.h:
src/json/jauth.h:
src/json/jorg.h:
src/domain/group.h:
src/domain/org.h:
src/domain/person.h:
