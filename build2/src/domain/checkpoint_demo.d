build2/src/domain/checkpoint_demo.o: src/domain/checkpoint_demo.c \
 src/domain/checkpoint_demo.h src/core/err.h src/domain/demo.h \
 src/core/crypt.h src/store/store.h src/core/datetime.h \
 src/domain/disinfection.h src/core/arena.h src/domain/alert.h \
 src/core/ident.h src/domain/scope.h src/domain/org.h \
 src/domain/outsider.h src/domain/person.h src/domain/scan.h \
 src/core/config.h src/domain/screening.h src/domain/stay.h
src/domain/checkpoint_demo.h:
src/core/err.h:
src/domain/demo.h:
src/core/crypt.h:
src/store/store.h:
src/core/datetime.h:
src/domain/disinfection.h:
src/core/arena.h:
src/domain/alert.h:
src/core/ident.h:
src/domain/scope.h:
src/domain/org.h:
src/domain/outsider.h:
src/domain/person.h:
src/domain/scan.h:
src/core/config.h:
src/domain/screening.h:
src/domain/stay.h:
