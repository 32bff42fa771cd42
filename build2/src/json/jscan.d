build2/src/json/jscan.o: src/json/jscan.c src/json/jscan.h \
 src/domain/alert.h src/core/arena.h src/core/err.h src/core/ident.h \
 src/domain/scope.h src/store/store.h src/domain/disinfection.h \
 src/domain/outsider.h src/core/crypt.h src/domain/scan.h \
 src/core/config.h src/domain/screening.h src/domain/stay.h \
 src/json/jorg.h src/domain/group.h src/core/datetime.h src/domain/org.h \
 src/domain/person.h
src/json/jscan.h:
src/domain/alert.h:
src/core/arena.h:
src/core/err.h:
src/core/ident.h:
src/domain/scope.h:
src/store/store.h:
src/domain/disinfection.h:
src/domain/outsider.h:
src/core/crypt.h:
src/domain/scan.h:
src/core/config.h:
src/domain/screening.h:
src/domain/stay.h:
src/json/jorg.h:
src/domain/group.h:
src/core/datetime.h:
src/domain/org.h:
src/domain/person.h:
