build2/src/json/jsupply.o: src/json/jsupply.c src/json/jsupply.h \
 src/domain/supply.h src/domain/demo.h src/core/crypt.h src/core/err.h \
 src/store/store.h src/domain/supply_export.h src/core/datetime.h \
 src/domain/scope.h src/domain/supply_item.h src/core/arena.h \
 src/domain/supply_ledger.h src/domain/supply_need.h \
 src/domain/supply_site.h src/json/jorg.h src/domain/group.h \
 src/domain/org.h src/domain/person.h
src/json/jsupply.h:
src/domain/supply.h:
src/domain/demo.h:
src/core/crypt.h:
src/core/err.h:
src/store/store.h:
src/domain/supply_export.h:
src/core/datetime.h:
src/domain/scope.h:
src/domain/supply_item.h:
src/core/arena.h:
src/domain/supply_ledger.h:
src/domain/supply_need.h:
src/domain/supply_site.h:
src/json/jorg.h:
src/domain/group.h:
src/domain/org.h:
src/domain/person.h:
