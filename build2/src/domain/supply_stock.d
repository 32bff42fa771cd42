build2/src/domain/supply_stock.o: src/domain/supply_stock.c \
 src/domain/supply_ledger.h src/core/arena.h src/core/datetime.h \
 src/core/err.h src/domain/scope.h src/store/store.h \
 src/domain/supply_item.h src/domain/supply_site.h
src/domain/supply_ledger.h:
src/core/arena.h:
src/core/datetime.h:
src/core/err.h:
src/domain/scope.h:
src/store/store.h:
src/domain/supply_item.h:
src/domain/supply_site.h:
