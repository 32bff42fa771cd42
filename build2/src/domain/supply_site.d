build2/src/domain/supply_site.o: src/domain/supply_site.c \
 src/domain/supply_site.h src/core/arena.h src/core/err.h \
 src/domain/scope.h src/store/store.h src/core/datetime.h src/core/text.h \
 src/domain/auth.h src/core/crypt.h src/domain/demo.h src/domain/org.h \
 src/domain/supply_item.h
src/domain/supply_site.h:
src/core/arena.h:
src/core/err.h:
src/domain/scope.h:
src/store/store.h:
src/core/datetime.h:
src/core/text.h:
src/domain/auth.h:
src/core/crypt.h:
src/domain/demo.h:
src/domain/org.h:
src/domain/supply_item.h:
