build2/src/domain/supply_demo.o: src/domain/supply_demo.c \
 src/domain/auth.h src/core/arena.h src/core/crypt.h src/core/err.h \
 src/domain/demo.h src/store/store.h src/domain/scope.h src/domain/org.h \
 src/domain/supply.h src/domain/supply_export.h src/core/datetime.h \
 src/domain/supply_item.h src/domain/supply_ledger.h \
 src/domain/supply_need.h src/domain/supply_site.h
src/domain/auth.h:
src/core/arena.h:
src/core/crypt.h:
src/core/err.h:
src/domain/demo.h:
src/store/store.h:
src/domain/scope.h:
src/domain/org.h:
src/domain/supply.h:
src/domain/supply_export.h:
src/core/datetime.h:
src/domain/supply_item.h:
src/domain/supply_ledger.h:
src/domain/supply_need.h:
src/domain/supply_site.h:
