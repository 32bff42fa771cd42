build2/src/cli/cmd_supply.o: src/cli/cmd_supply.c src/cli/cli.h \
 src/core/config.h src/core/err.h src/core/crypt.h src/store/store.h \
 src/domain/audit.h src/core/arena.h src/domain/scope.h \
 src/domain/group.h src/core/datetime.h src/domain/org.h \
 src/domain/supply.h src/domain/demo.h src/domain/supply_export.h \
 src/domain/supply_item.h src/domain/supply_ledger.h \
 src/domain/supply_need.h src/domain/supply_site.h src/json/jsupply.h
src/cli/cli.h:
src/core/config.h:
src/core/err.h:
src/core/crypt.h:
src/store/store.h:
src/domain/audit.h:
src/core/arena.h:
src/domain/scope.h:
src/domain/group.h:
src/core/datetime.h:
src/domain/org.h:
src/domain/supply.h:
src/domain/demo.h:
src/domain/supply_export.h:
src/domain/supply_item.h:
src/domain/supply_ledger.h:
src/domain/supply_need.h:
src/domain/supply_site.h:
src/json/jsupply.h:
