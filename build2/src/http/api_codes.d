build2/src/http/api_codes.o: src/http/api_codes.c src/core/datetime.h \
 src/core/err.h src/core/ident.h src/core/qr.h src/core/buf.h \
 src/core/text.h src/domain/auth.h src/core/arena.h src/core/crypt.h \
 src/domain/demo.h src/store/store.h src/domain/scope.h src/domain/org.h \
 src/domain/pass.h src/domain/person.h src/domain/placecode.h \
 src/domain/outsider.h src/domain/scan.h src/core/config.h \
 src/domain/screening.h src/domain/stay.h src/domain/scancode.h \
 src/http/api.h src/http/http.h src/http/jbody.h src/http/assets.h \
 src/json/jcodes.h src/json/jscan.h src/domain/alert.h \
 src/domain/disinfection.h
src/core/datetime.h:
src/core/err.h:
src/core/ident.h:
src/core/qr.h:
src/core/buf.h:
src/core/text.h:
src/domain/auth.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/demo.h:
src/store/store.h:
src/domain/scope.h:
src/domain/org.h:
src/domain/pass.h:
src/domain/person.h:
src/domain/placecode.h:
src/domain/outsider.h:
src/domain/scan.h:
src/core/config.h:
src/domain/screening.h:
src/domain/stay.h:
src/domain/scancode.h:
src/http/api.h:
src/http/http.h:
src/http/jbody.h:
src/http/assets.h:
src/json/jcodes.h:
src/json/jscan.h:
src/domain/alert.h:
src/domain/disinfection.h:
