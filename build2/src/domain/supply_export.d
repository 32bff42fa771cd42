build2/src/domain/supply_export.o: src/domain/supply_export.c \
 src/domain/supply_export.h src/core/datetime.h src/core/err.h \
 src/domain/scope.h src/store/store.h src/domain/auth.h src/core/arena.h \
 src/core/crypt.h src/domain/demo.h src/domain/sheet.h \
 src/domain/supply_ledger.h src/domain/supply_item.h \
 src/domain/supply_need.h
src/domain/supply_export.h:
src/core/datetime.h:
src/core/err.h:
src/domain/scope.h:
src/store/store.h:
src/domain/auth.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/demo.h:
src/domain/sheet.h:
src/domain/supply_ledger.h:
src/domain/supply_item.h:
src/domain/supply_need.h:
