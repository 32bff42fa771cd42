build2/src/http/api_checkpoint.o: src/http/api_checkpoint.c \
 src/core/buf.h src/core/err.h src/core/datetime.h src/domain/alert.h \
 src/core/arena.h src/core/ident.h src/domain/scope.h src/store/store.h \
 src/domain/auth.h src/core/crypt.h src/domain/demo.h \
 src/domain/disinfection.h src/domain/org.h src/domain/outsider.h \
 src/domain/scan.h src/core/config.h src/domain/screening.h \
 src/domain/stay.h src/domain/scancode.h src/domain/writer.h \
 src/http/api.h src/http/http.h src/http/jbody.h src/json/jorg.h \
 src/domain/group.h src/domain/person.h src/json/jscan.h
src/core/buf.h:
src/core/err.h:
src/core/datetime.h:
src/domain/alert.h:
src/core/arena.h:
src/core/ident.h:
src/domain/scope.h:
src/store/store.h:
src/domain/auth.h:
src/core/crypt.h:
src/domain/demo.h:
src/domain/disinfection.h:
src/domain/org.h:
src/domain/outsider.h:
src/domain/scan.h:
src/core/config.h:
src/domain/screening.h:
src/domain/stay.h:
src/domain/scancode.h:
src/domain/writer.h:
src/http/api.h:
src/http/http.h:
src/http/jbody.h:
src/json/jorg.h:
src/domain/group.h:
src/domain/person.h:
src/json/jscan.h:
